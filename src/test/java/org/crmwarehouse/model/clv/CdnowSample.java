package org.crmwarehouse.model.clv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;

/**
 * Per-customer calibration summaries of the CDNOW 1/10 sample, computed here in plain Java as an
 * independent path from the pipeline's SQL, with the conventions of the published fits: purchases
 * on one day are one transaction (dollars summed), calibration ends 1997-09-30, time in weeks
 * (days / 7), x = repeat transactions, t_x = first to last purchase, T = first purchase to
 * 1997-09-30, m_x = mean value of the repeat transactions.
 */
record CdnowSample(List<Customer> customers) {

    static final Path FILE = Path.of("../shared/datasets/CDNOW_sample.txt");
    static final LocalDate CALIBRATION_END = LocalDate.of(1997, 9, 30);

    record Customer(int sampleId, int frequency, double recency, double age, double meanRepeatSpend) {
        PurchasePattern pattern() {
            return PurchasePattern.ofCustomer(frequency, recency, age);
        }
    }

    /** Loads the sample, or skips the calling test when the shared datasets are absent. */
    static CdnowSample load() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(FILE), "CDNOW sample not found at " + FILE.toAbsolutePath()
                + ": the shared datasets folder is absent, skipping");
        DateTimeFormatter format = DateTimeFormatter.BASIC_ISO_DATE;
        Map<Integer, TreeMap<LocalDate, Double>> spendByDay = new TreeMap<>();
        for (String line : Files.readAllLines(FILE)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] fields = trimmed.split("\\s+");
            int sampleId = Integer.parseInt(fields[1]);
            LocalDate date = LocalDate.parse(fields[2], format);
            double dollars = Double.parseDouble(fields[4]);
            spendByDay.computeIfAbsent(sampleId, k -> new TreeMap<>()).merge(date, dollars, Double::sum);
        }
        List<Customer> customers = new ArrayList<>();
        spendByDay.forEach((id, days) -> {
            LocalDate first = days.firstKey();
            LocalDate last = first;
            int repeats = 0;
            double repeatSpend = 0;
            for (Map.Entry<LocalDate, Double> day : days.entrySet()) {
                if (day.getKey().isAfter(first) && !day.getKey().isAfter(CALIBRATION_END)) {
                    repeats++;
                    repeatSpend += day.getValue();
                    last = day.getKey();
                }
            }
            customers.add(new Customer(id, repeats, weeks(first, last), weeks(first, CALIBRATION_END),
                    repeats > 0 ? repeatSpend / repeats : Double.NaN));
        });
        return new CdnowSample(customers);
    }

    private static double weeks(LocalDate from, LocalDate to) {
        return TimeUnit.WEEK.fromDays(ChronoUnit.DAYS.between(from, to));
    }

    List<PurchasePattern> purchasePatterns() {
        return customers.stream().map(Customer::pattern).toList();
    }

    List<SpendPattern> repeatSpendPatterns() {
        return customers.stream().filter(c -> c.frequency() > 0)
                .map(c -> new SpendPattern(c.frequency(), c.meanRepeatSpend(), 1)).toList();
    }

    Customer customer(int sampleId) {
        return customers.stream().filter(c -> c.sampleId() == sampleId).findFirst().orElseThrow();
    }
}
