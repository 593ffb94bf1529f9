package org.crmwarehouse.generate;

import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.progress.Progress;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a synthetic CRM source folder: one CSV per contract entity plus nightly.yaml.
 * Streams customer by customer with one random stream per customer, so memory stays flat at any scale and
 * the output depends only on the options.
 */
public final class DataGenerator {
    /** The contract entities, in the order the files are listed in nightly.yaml. */
    static final List<String> ENTITIES =
            List.of("customers", "leads", "campaigns", "funnel_events", "orders", "payments", "contacts", "expenses",
                    "ad_performance", "subscriptions");

    private final GeneratorOptions options;

    public DataGenerator(GeneratorOptions options) {
        this.options = options;
    }

    /** Writes all files; progress lines go to {@code progress}. Returns counts per file. */
    public GenerationSummary run(PrintStream progress) throws IOException {
        Contract contract = Contract.standard();
        if (!contract.entities().stream().map(e -> e.name()).collect(java.util.stream.Collectors.toSet()).equals(new java.util.HashSet<>(ENTITIES)))
            throw new IllegalStateException("contract entities " + contract.entities() + " differ from " + ENTITIES);
        Path dir = options.outDir();
        Files.createDirectories(dir);
        Timeline time = new Timeline(options);
        List<CsvTable> tables = new ArrayList<>();
        try {
            for (String entity : ENTITIES) tables.add(new CsvTable(entity, contract, dir, tables.size(), options));
            CampaignPlan plan = new CampaignPlan(options.seed(), time);
            plan.writeAll(table(tables, "campaigns"));
            AdPerformanceLog ads = new AdPerformanceLog(options.seed(), time, plan);
            DuplicatePlanter planter = options.duplicateRate() > 0
                    ? new DuplicatePlanter(options, time, table(tables, "customers"), dir.resolve(DuplicatePlanter.FILE)) : null;
            try {
                generateCustomers(time, plan, ads, tables, planter, progress);
            } finally {
                if (planter != null) planter.close();
            }
            new ExpenseLog(options.seed(), time).writeAll(table(tables, "expenses"));
            ads.writeAll(table(tables, "ad_performance")); // after the customers: it needs their leads per campaign and day
        } finally {
            IOException failure = null;
            for (CsvTable t : tables) {
                try { t.close(); } catch (IOException e) { failure = e; }
            }
            if (failure != null) throw failure;
        }
        writeJobConfig(dir);
        Map<String, Long> rows = new LinkedHashMap<>();
        long bad = 0;
        for (CsvTable t : tables) {
            rows.put(t.entity() + ".csv", t.rows());
            bad += t.badRows();
        }
        return new GenerationSummary(rows, bad);
    }

    private void generateCustomers(Timeline time, CampaignPlan plan, AdPerformanceLog ads, List<CsvTable> tables,
            DuplicatePlanter planter, PrintStream progress)
            throws IOException {
        CustomerProfile profile = new CustomerProfile(time, table(tables, "customers"));
        PurchaseHistory purchases = new PurchaseHistory(time, table(tables, "orders"), table(tables, "payments"));
        LeadFunnel funnel = new LeadFunnel(options.seed(), time, plan, ads, table(tables, "leads"),
                table(tables, "funnel_events"));
        ContactLog contacts = new ContactLog(time, table(tables, "contacts"));
        SubscriptionBook subscriptions = new SubscriptionBook(options.seed(), time, table(tables, "subscriptions"));
        CustomerContext c = new CustomerContext();
        long scale = options.scale();
        Progress shown = Progress.start(progress, "generate", scale, "customers");
        for (long i = 0; i < scale; i++) {
            start(c, i, time);
            purchases.write(c); // first: the profile's churn reason and the deal amount depend on the orders
            String[] customerRow = profile.write(c);
            if (planter != null) planter.maybePlant(c, customerRow);
            funnel.write(c);
            contacts.write(c);
            subscriptions.write(c);
            shown.update(i + 1);
        }
        shown.finish();
    }

    /** Draws what everything else about customer i depends on: creation time, channel, referrer, owner, place. */
    private void start(CustomerContext c, long i, Timeline time) {
        SplittableRandom r = new SplittableRandom(Sampling.mix(options.seed(), 0, i));
        c.index = i;
        c.random = r;
        c.id = time.customerId(i);
        c.pad = c.id.substring(1);
        c.createdSec = time.customerCreatedSec(i, r.nextDouble());
        int channel = Sampling.pick(r, BehaviourModel.CUSTOMER_CHANNEL_CUMULATIVE);
        c.channel = channel == BehaviourModel.REFERRAL && i == 0 ? 0 : channel;
        c.referrerIndex = c.channel == BehaviourModel.REFERRAL ? referrer(r, i, time.scale) : -1;
        c.owner = time.salesperson(r.nextInt(time.salespeople));
        CustomerProfile.place(c);
    }

    /** Always an earlier customer, so referral chains can never form a cycle; half recent, half any earlier one. */
    private static long referrer(SplittableRandom r, long i, long scale) {
        if (r.nextBoolean()) return r.nextLong(i);
        return i - 1 - r.nextLong(Math.min(i, Math.max(1, scale / 50)));
    }

    private static CsvTable table(List<CsvTable> tables, String entity) {
        return tables.get(ENTITIES.indexOf(entity));
    }

    /** nightly.yaml: a job config running the nightly job on this folder; paths relative to the file itself. */
    private void writeJobConfig(Path dir) throws IOException {
        StringBuilder y = new StringBuilder();
        y.append("# Generated by: crm-warehouse generate --scale ").append(options.scale())
                .append(" --seed ").append(options.seed())
                .append(" --bad-rate ").append(BigDecimal.valueOf(options.badRate()).stripTrailingZeros().toPlainString())
                .append(" --end-date ").append(options.endDate()).append('\n');
        Path folder = dir.toAbsolutePath().normalize().getFileName();
        String folderName = folder == null ? "out" : folder.toString();
        // The job name identifies runs in the JobRepository: one per generated folder, so two
        // generated sets never look like reruns of each other.
        y.append("name: generated_").append(folderName.replaceAll("[^A-Za-z0-9_]", "_")).append('\n');
        y.append("business_date: ").append(options.endDate()).append('\n');
        y.append("output: ../var/").append(folderName).append("      # relative to this file\n");
        y.append("sources:\n");
        for (String entity : ENTITIES)
            y.append("  ").append(entity).append(": {path: ").append(entity).append(".csv, format: csv}\n");
        Files.writeString(dir.resolve("nightly.yaml"), y.toString(), StandardCharsets.UTF_8);
    }
}
