package org.crmwarehouse.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.crmwarehouse.generate.DataGenerator;
import org.crmwarehouse.generate.GeneratorOptions;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 6's acceptance as a benchmark: a generated history (ending on the last date D) is split in
 * DuckDB SQL by each entity's creation time into N nights (night 1: everything up to D-(N-1), the
 * initial load; nights 2..N: one day each, up to D), with late change on top: some customers
 * change city on a later night (a cumulative export read by its {@code updated_at} watermark),
 * invoices paid after their issue night land unpaid and again when paid, and a few orders (with
 * their invoices, by deletion feeds) and contacts (by an {@code is_deleted} flag) are deleted on a
 * later night. The final state (history with the updates applied and the deletions removed) is
 * written separately, from the same history and change tables, as the input of one ordinary full
 * run. The full run, each night and then the full run again each run as {@code crm-warehouse run}
 * in a child JVM (each night's files are landed just before it runs); finally every Parquet table
 * of the last night is compared with the full run's by content.
 *
 * <p>Everything lives in the work folder and each finished run leaves {@code runs/<run>.json}:
 * invoked again, it skips the generation, the split, the full run and every finished night, and
 * continues with the next night. Only the CLI, the job config and the published outputs are used.
 */
public final class IncrementalBench {
    /** Entity -> the column that says when its row was created, which decides its night. */
    static final Map<String, String> TIME = Map.of("customers", "created_at", "leads", "created_at",
            "campaigns", "start_date", "funnel_events", "event_time", "orders", "order_time",
            "payments", "issue_date", "contacts", "contact_time", "expenses", "expense_date");
    /** Tables that record the sequence of nights by design: reported, not a failure. */
    static final Set<String> NIGHT_HISTORY = Set.of("dim_customer_history.parquet", "mart_tier_migration.parquet");
    static final String QUARANTINE = "quarantine.parquet";
    static final String MOVED_CITY = "Late Update City";

    /**
     * @param nights   nights in all, at least 2 (the initial load and one daily night)
     * @param history  an existing generated history ending on lastDate, or null to generate it
     */
    public record Options(long scale, long seed, int nights, Path work, Path history, String heap, LocalDate lastDate) {
    }

    private final Options options;
    private final PrintStream progress;
    private final JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private final Path work;

    public IncrementalBench(Options options, PrintStream progress) {
        if (options.nights() < 2) {
            throw new IllegalArgumentException("--incremental-nights must be at least 2 (the initial load and a daily night)");
        }
        this.options = options;
        this.progress = progress;
        this.work = options.work().toAbsolutePath().normalize();
    }

    public Path reportFile() {
        return work.resolve("incremental-report.json");
    }

    public Path textReportFile() {
        return work.resolve("incremental-report.txt");
    }

    /** The date of night i (1-based): the last date minus (nights - i) days. */
    LocalDate nightDate(int i) {
        return options.lastDate().minusDays(options.nights() - i);
    }

    public IncrementalReport run() throws IOException, InterruptedException, SQLException {
        Files.createDirectories(work.resolve("runs"));
        Files.createDirectories(work.resolve("logs"));
        double loadBefore = Bench.loadAverage();
        Path history = history();
        Path split = work.resolve("split.duckdb");
        if (!Files.exists(work.resolve("split.complete"))) {
            progress.printf("incremental bench: splitting %s into %d nights (DuckDB SQL)%n", history, options.nights());
            Files.deleteIfExists(split);
            Files.deleteIfExists(work.resolve("split.duckdb.wal"));
            Bench.deleteTree(work.resolve("full-input"));
            split(history, split);
            Files.writeString(work.resolve("split.complete"), options.nights() + " nights up to " + options.lastDate() + "\n");
        } else if (!Files.readString(work.resolve("split.complete")).startsWith(options.nights() + " nights up to "
                + options.lastDate())) {
            throw new IllegalArgumentException(work + " was split for " + Files.readString(work.resolve("split.complete")).trim()
                    + ": use another --work folder for " + options.nights() + " nights up to " + options.lastDate());
        }
        Path fullConfig = writeFullConfig();
        Path incConfig = writeIncrementalConfig();

        FullRun first = fullRun("full", "full run", fullConfig, null);
        IncrementalReport.RunFigures full = first.figures();

        List<IncrementalReport.Night> nights = new ArrayList<>();
        int runNow = 0;
        try (Connection db = Db.open(split)) {
            for (int i = 1; i <= options.nights(); i++) {
                Path done = work.resolve("runs").resolve("night-%02d.json".formatted(i));
                IncrementalReport.Night night;
                boolean earlier = Files.exists(done);
                if (earlier) {
                    night = json.readValue(Files.readString(done), IncrementalReport.Night.class);
                } else {
                    if (i == 1) { // a fresh start of the nights: no state of an interrupted first night
                        Bench.deleteTree(work.resolve("landing"));
                        Bench.deleteTree(work.resolve("inc-out"));
                        Bench.deleteTree(work.resolve("repo-inc"));
                    }
                    // an attempt that started and never finished: this run resumes it at its failed step
                    Path started = work.resolve("runs").resolve("night-%02d.started".formatted(i));
                    boolean resumed = i > 1 && Files.exists(started);
                    Path log = work.resolve("logs").resolve("night-%02d.log".formatted(i));
                    if (resumed && Files.exists(log)) {
                        Files.move(log, log.resolveSibling("night-%02d.interrupted.log".formatted(i)),
                                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                    Files.writeString(started, java.time.Instant.now() + "\n");
                    Map<String, Long> delta = land(db, i);
                    IncrementalReport.RunFigures r = runChild("night-%02d".formatted(i), incConfig, nightDate(i),
                            work.resolve("inc-out"));
                    night = new IncrementalReport.Night(i, nightDate(i).toString(),
                            delta.values().stream().mapToLong(Long::longValue).sum(), delta, r,
                            Bench.ratio(r.wallSeconds(), full.wallSeconds()), resumed);
                    Files.writeString(done, json.writeValueAsString(night) + "\n");
                    Files.deleteIfExists(started);
                    runNow++;
                }
                nights.add(night);
                progress.printf("night %d/%d %s: %.1f s (%.2f of the full run), %,d delta rows%s%s%n", i,
                        options.nights(), night.date(), night.run().wallSeconds(), night.fractionOfFull(), night.deltaRows(),
                        night.wasResumed() ? " (resumed after an interruption: partial time, not in the statistics)" : "",
                        earlier ? " (done earlier)" : "");
            }
        }

        // The full run again, now: nights run for hours, and a machine whose speed drifts meanwhile
        // would bias a fraction of a full run measured only before them. Same input, same output.
        FullRun second = fullRun("full-after", "full run after the nights", fullConfig, full);
        IncrementalReport.RunFigures after = second.figures();

        IncrementalReport.Comparison comparison = compare(work.resolve("full-out"), work.resolve("inc-out"));
        IncrementalReport report = new IncrementalReport(count(split, "h_customers"), options.seed(), history.toString(),
                options.lastDate().toString(), options.nights(), runNow, first.runNow(), second.runNow(),
                Bench.machine(loadBefore, Bench.loadAverage()), changes(split), full, after, nights,
                summary(full, after, nights), comparison);
        Files.writeString(reportFile(), json.writeValueAsString(report) + "\n", StandardCharsets.UTF_8);
        Files.writeString(textReportFile(), IncrementalPrinter.format(report), StandardCharsets.UTF_8);
        return report;
    }

    private record FullRun(IncrementalReport.RunFigures figures, boolean runNow) {
    }

    /**
     * The full run over the final state, as {@code runs/<name>.json} recorded it, or run now into
     * full-out (same input, same output each time).
     *
     * @param earlier the first full run, when this is the one after the nights (for its drift)
     */
    private FullRun fullRun(String name, String label, Path fullConfig, IncrementalReport.RunFigures earlier)
            throws IOException, InterruptedException {
        Path file = work.resolve("runs").resolve(name + ".json");
        if (Files.exists(file)) {
            IncrementalReport.RunFigures figures = json.readValue(Files.readString(file), IncrementalReport.RunFigures.class);
            progress.printf("%s: done earlier (%.1f s)%n", label, figures.wallSeconds());
            return new FullRun(figures, false);
        }
        progress.printf("%s over the final state (%s)...%n", label, options.lastDate());
        Bench.deleteTree(work.resolve("full-out"));
        Bench.deleteTree(work.resolve("repo-full"));
        IncrementalReport.RunFigures figures = runChild(name, fullConfig, options.lastDate(), work.resolve("full-out"));
        Files.writeString(file, json.writeValueAsString(figures) + "\n");
        progress.printf("%s: %.1f s%s%n", label, figures.wallSeconds(), earlier == null ? ""
                : String.format(java.util.Locale.ROOT, " (%.2f of the first)", Bench.ratio(figures.wallSeconds(),
                        earlier.wallSeconds())));
        return new FullRun(figures, true);
    }

    private Path history() throws IOException {
        if (options.history() != null) {
            Path h = options.history().toAbsolutePath().normalize();
            for (String e : Bench.ENTITIES) {
                if (!Files.isRegularFile(h.resolve(e + ".csv"))) {
                    throw new IllegalArgumentException("--input " + h + " has no " + e + ".csv");
                }
            }
            return h;
        }
        Path h = work.resolve("history");
        String marker = "generated " + options.scale() + " customers, seed " + options.seed() + ", up to "
                + options.lastDate() + "\n";
        if (Files.exists(h.resolve(".complete"))) {
            if (!Files.readString(h.resolve(".complete")).equals(marker)) {
                throw new IllegalArgumentException(h + " holds a history " + Files.readString(h.resolve(".complete")).trim()
                        + ": use another --work folder for " + marker.trim());
            }
            return h;
        }
        Bench.deleteTree(h);
        progress.printf("incremental bench: generating %,d customers (seed %d) up to %s into %s%n", options.scale(),
                options.seed(), options.lastDate(), h);
        new DataGenerator(new GeneratorOptions(options.scale(), options.seed(), h, 0, options.lastDate()))
                .run(new PrintStream(java.io.OutputStream.nullOutputStream()));
        Files.writeString(h.resolve(".complete"), marker);
        return h;
    }

    // ---- the split (SQL only) ------------------------------------------------------------------

    /** Night of a date or timestamp text: 1 up to the first night's date, then one per day, N at the end. */
    private String nightOf(String column) {
        return "least(" + options.nights() + ", greatest(1, " + options.nights() + " - date_diff('day', CAST(" + column
                + " AS DATE), DATE '" + options.lastDate() + "')))";
    }

    private void split(Path history, Path split) throws SQLException, IOException {
        int n = options.nights();
        String seed = Sql.literal(Long.toString(options.seed()));
        try (Connection db = Db.open(split)) {
            for (String e : Bench.ENTITIES) {
                String paid = e.equals("payments")
                        ? ", CASE WHEN paid_date IS NULL OR trim(paid_date) = '' THEN NULL ELSE " + nightOf("paid_date")
                        + " END AS _paid_night" : "";
                Db.execute(db, "CREATE OR REPLACE TABLE h_" + e + " AS SELECT *, " + nightOf(TIME.get(e)) + " AS _night"
                        + paid + " FROM read_csv(" + Sql.literal(history.resolve(e + ".csv")) + ", all_varchar=true, header=true)");
            }
            long customers = Db.queryLong(db, "SELECT count(*) FROM h_customers");
            long updates = Math.max(1, customers / 1000);
            long deletions = Math.max(1, customers / 10000);
            // customers first loaded on night 1 that move city on a later night
            Db.execute(db, "CREATE TABLE changed_customers AS SELECT customer_id, change_night, strftime(DATE '"
                    + options.lastDate() + "' - CAST(" + n + " - change_night AS INTEGER), '%Y-%m-%d') || ' 12:00:00' AS changed_at"
                    + " FROM (SELECT customer_id, 2 + (row_number() OVER (ORDER BY md5(customer_id || " + seed + ")) - 1) % "
                    + (n - 1) + " AS change_night, md5(customer_id || " + seed + ") AS k FROM h_customers WHERE _night = 1)"
                    + " ORDER BY k LIMIT " + updates);
            // orders of night 1 with an invoice, none of whose invoices is paid later, deleted on a later night
            Db.execute(db, "CREATE TABLE deleted_orders AS SELECT order_id, delete_night FROM (SELECT order_id, 2 + "
                    + "(row_number() OVER (ORDER BY md5(order_id || " + seed + ")) - 1) % " + (n - 1) + " AS delete_night, "
                    + "md5(order_id || " + seed + ") AS k FROM (SELECT DISTINCT order_id FROM h_orders WHERE _night = 1 "
                    + "AND order_id IN (SELECT order_id FROM h_payments WHERE order_id IS NOT NULL) "
                    + "AND order_id NOT IN (SELECT order_id FROM h_orders WHERE _night > 1) "
                    + "AND order_id NOT IN (SELECT order_id FROM h_payments WHERE order_id IS NOT NULL AND _paid_night > 1)))"
                    + " ORDER BY k LIMIT " + deletions);
            Db.execute(db, "CREATE TABLE deleted_contacts AS SELECT contact_id, delete_night FROM (SELECT contact_id, 2 + "
                    + "(row_number() OVER (ORDER BY md5(contact_id || " + seed + ")) - 1) % " + (n - 1) + " AS delete_night, "
                    + "md5(contact_id || " + seed + ") AS k FROM h_contacts WHERE _night = 1) ORDER BY k LIMIT " + deletions);

            // the final state, for the full run
            Path full = work.resolve("full-input");
            Files.createDirectories(full);
            for (String e : Bench.ENTITIES) {
                String select = switch (e) {
                    case "customers" -> "SELECT * EXCLUDE (_night) REPLACE (CASE WHEN customer_id IN (SELECT customer_id "
                            + "FROM changed_customers) THEN " + Sql.literal(MOVED_CITY) + " ELSE city END AS city) FROM h_customers";
                    case "orders" -> "SELECT * EXCLUDE (_night) FROM h_orders WHERE order_id NOT IN (SELECT order_id FROM deleted_orders)";
                    case "payments" -> "SELECT * EXCLUDE (_night, _paid_night) FROM h_payments WHERE order_id IS NULL "
                            + "OR order_id NOT IN (SELECT order_id FROM deleted_orders)";
                    case "contacts" -> "SELECT * EXCLUDE (_night) FROM h_contacts WHERE contact_id NOT IN "
                            + "(SELECT contact_id FROM deleted_contacts)";
                    default -> "SELECT * EXCLUDE (_night) FROM h_" + e;
                };
                copy(db, select, full.resolve(e + ".csv"));
            }
        }
    }

    /** Writes night i's files into the landing folder; returns file -> delta rows. */
    private Map<String, Long> land(Connection db, int i) throws SQLException, IOException {
        Path landing = work.resolve("landing");
        Files.createDirectories(landing);
        String d = nightDate(i).toString();
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String e : Bench.ENTITIES) {
            String file = e + "-" + d + ".csv";
            String select = switch (e) {
                case "customers" -> null;
                case "payments" -> "SELECT * EXCLUDE (_night, _paid_night) REPLACE ("
                        + "CASE WHEN _paid_night > _night THEN NULL ELSE paid_date END AS paid_date, "
                        + "CASE WHEN _paid_night > _night THEN NULL ELSE paid_amount END AS paid_amount, "
                        + "CASE WHEN _paid_night > _night THEN NULL ELSE method END AS method) FROM h_payments WHERE _night = " + i
                        + " UNION ALL SELECT * EXCLUDE (_night, _paid_night) FROM h_payments WHERE _paid_night = " + i
                        + " AND _paid_night > _night";
                case "contacts" -> "SELECT * EXCLUDE (_night), CAST(NULL AS VARCHAR) AS is_deleted FROM h_contacts WHERE _night = "
                        + i + " UNION ALL SELECT * EXCLUDE (_night), 'true' FROM h_contacts WHERE contact_id IN "
                        + "(SELECT contact_id FROM deleted_contacts WHERE delete_night = " + i + ")";
                default -> "SELECT * EXCLUDE (_night) FROM h_" + e + " WHERE _night = " + i;
            };
            if (select != null) {
                rows.put(file, copy(db, select, landing.resolve(file)));
            }
        }
        // a cumulative customer export: updated_at = created_at until the customer changes
        rows.put("customers.csv", Db.queryLong(db, "SELECT count(*) FROM h_customers h LEFT JOIN changed_customers c "
                + "USING (customer_id) WHERE h._night = " + i + " OR c.change_night = " + i));
        copy(db, "SELECT h.* EXCLUDE (_night) REPLACE (CASE WHEN c.change_night <= " + i + " THEN " + Sql.literal(MOVED_CITY)
                + " ELSE h.city END AS city), CASE WHEN c.change_night <= " + i + " THEN c.changed_at ELSE h.created_at END "
                + "AS updated_at FROM h_customers h LEFT JOIN changed_customers c USING (customer_id) WHERE h._night <= " + i,
                landing.resolve("customers.csv"));
        long orders = Db.queryLong(db, "SELECT count(*) FROM deleted_orders WHERE delete_night = " + i);
        if (orders > 0) {
            rows.put("deleted-orders-" + d + ".csv", copy(db, "SELECT order_id FROM deleted_orders WHERE delete_night = " + i,
                    landing.resolve("deleted-orders-" + d + ".csv")));
            rows.put("deleted-payments-" + d + ".csv", copy(db, "SELECT invoice_id FROM h_payments WHERE order_id IN "
                    + "(SELECT order_id FROM deleted_orders WHERE delete_night = " + i + ")",
                    landing.resolve("deleted-payments-" + d + ".csv")));
        }
        return rows;
    }

    private static long copy(Connection db, String select, Path file) throws SQLException {
        Db.execute(db, "COPY (" + select + ") TO " + Sql.literal(file) + " (HEADER, DELIMITER ',')");
        return Db.queryLong(db, "SELECT count(*) FROM (" + select + ")");
    }

    private IncrementalReport.Changes changes(Path split) throws SQLException {
        try (Connection db = Db.openReadOnly(split)) {
            return new IncrementalReport.Changes(
                    Db.queryLong(db, "SELECT count(*) FROM changed_customers"),
                    Db.queryLong(db, "SELECT count(*) FROM h_payments WHERE _paid_night > _night"),
                    Db.queryLong(db, "SELECT count(*) FROM deleted_orders"),
                    Db.queryLong(db, "SELECT count(*) FROM h_payments WHERE order_id IN (SELECT order_id FROM deleted_orders)"),
                    Db.queryLong(db, "SELECT count(*) FROM deleted_contacts"));
        }
    }

    private static long count(Path split, String table) throws SQLException {
        try (Connection db = Db.openReadOnly(split)) {
            return Db.queryLong(db, "SELECT count(*) FROM " + table);
        }
    }

    // ---- job configs -----------------------------------------------------------------------------

    private Path writeFullConfig() throws IOException {
        StringBuilder y = header("full", "the full run over the final state", "full-out", "repo-full", "");
        for (String e : Bench.ENTITIES) {
            y.append("  ").append(e).append(": {path: ").append(quote(work.resolve("full-input").resolve(e + ".csv")))
                    .append("}\n");
        }
        return Files.writeString(work.resolve("full.yaml"), y.toString(), StandardCharsets.UTF_8);
    }

    private Path writeIncrementalConfig() throws IOException {
        // The reject threshold counts each night's delta. A daily delta can hold a child dated
        // before its parent's creation (the generator plants funnel events before their lead's
        // created_at): it waits in quarantine (UNKNOWN_REFERENCE) and is loaded on the parent's
        // night, which can be most of a tiny delta. The comparison with the full run is what
        // proves no row is lost, so the threshold must not stop a night here.
        StringBuilder y = header("incremental", "the incremental nights over the landing folder", "inc-out", "repo-inc",
                "reject_threshold: \"100%\"\n");
        Path landing = work.resolve("landing");
        for (String e : Bench.ENTITIES) {
            if (e.equals("customers")) {
                y.append("  customers: {path: ").append(quote(landing.resolve("customers.csv")))
                        .append(", incremental: {watermark: updated_at}}\n");
                continue;
            }
            String extra = switch (e) {
                case "orders" -> ", deletions: " + quote(landing.resolve("deleted-orders-*.csv"));
                case "payments" -> ", deletions: " + quote(landing.resolve("deleted-payments-*.csv"));
                case "contacts" -> ", deleted: is_deleted";
                default -> "";
            };
            y.append("  ").append(e).append(": {path: ").append(quote(landing.resolve(e + "-*.csv")))
                    .append(", incremental: {files: new").append(extra).append("}}\n");
        }
        return Files.writeString(work.resolve("incremental.yaml"), y.toString(), StandardCharsets.UTF_8);
    }

    private StringBuilder header(String name, String what, String output, String repo, String settings) {
        StringBuilder y = new StringBuilder();
        y.append("# Written by crm-warehouse bench --incremental-nights: ").append(what).append('\n');
        y.append("name: incbench_").append(name).append('\n');
        y.append("output: ").append(quote(work.resolve(output))).append('\n');
        y.append("repository: {url: ").append(quote("jdbc:h2:file:" + work.resolve(repo).resolve("batch") + ";AUTO_SERVER=TRUE"))
                .append(", user: sa}\n");
        y.append(settings);
        y.append("sources:\n");
        return y;
    }

    private static String quote(Object s) {
        return "'" + s.toString().replace("'", "''") + "'";
    }

    // ---- running, comparing, summing up ----------------------------------------------------------

    private IncrementalReport.RunFigures runChild(String label, Path config, LocalDate date, Path output)
            throws IOException, InterruptedException {
        Path gcLog = work.resolve("logs").resolve(label + ".gc.log");
        Path log = work.resolve("logs").resolve(label + ".log");
        Files.deleteIfExists(gcLog);
        List<String> command = Bench.childCommand(options.heap(), gcLog,
                List.of("run", "--config", config.toString(), "--date", date.toString()));
        long started = System.nanoTime();
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Thread stopChild = new Thread(child::destroyForcibly, "incremental-bench-stop-child");
        Runtime.getRuntime().addShutdownHook(stopChild);
        long peakRssKib = Bench.pollPeakRss(child);
        int exit = child.waitFor();
        Runtime.getRuntime().removeShutdownHook(stopChild);
        double wall = (System.nanoTime() - started) / 1e9;
        if (exit != 0) {
            throw new IllegalStateException(label + " (" + date + ") exited " + exit + ": " + Bench.tail(log));
        }
        JsonNode run = json.readTree(Files.readString(output.resolve("reports").resolve(date.toString())
                .resolve("run-report.json"), StandardCharsets.UTF_8));
        Map<String, Double> steps = new LinkedHashMap<>();
        for (JsonNode step : run.path("steps")) {
            steps.put(step.path("step").asString(), step.path("seconds").asDouble());
        }
        long inputRows = 0;
        for (JsonNode source : run.path("sources")) {
            inputRows += source.path("rowsRead").asLong();
        }
        GcLog gc = GcLog.read(gcLog);
        return new IncrementalReport.RunFigures(wall, steps, inputRows, gc.peakUsedMiB(),
                peakRssKib < 0 ? -1 : peakRssKib / 1024.0);
    }

    IncrementalReport.Comparison compare(Path fullOut, Path incOut) throws IOException, SQLException {
        Map<String, String> full = ParquetChecksums.of(fullOut, options.lastDate());
        Map<String, String> last = ParquetChecksums.of(incOut, options.lastDate());
        List<String> identical = new ArrayList<>();
        List<String> differing = new ArrayList<>();
        Map<String, String> history = new TreeMap<>();
        Set<String> tables = new TreeSet<>(full.keySet());
        tables.addAll(last.keySet());
        for (String t : tables) {
            if (t.equals(QUARANTINE)) {
                continue;
            }
            String verdict = !full.containsKey(t) ? "missing from the full run"
                    : !last.containsKey(t) ? "missing from the last night"
                    : full.get(t).equals(last.get(t)) ? null : "full " + full.get(t) + ", last night " + last.get(t);
            if (NIGHT_HISTORY.contains(t)) {
                history.put(t, verdict == null ? "same" : "differs (by design)");
            } else if (verdict == null) {
                identical.add(t);
            } else {
                differing.add(t + ": " + verdict);
            }
        }
        Map<String, Long> qFull = ParquetChecksums.quarantineCounts(
                ParquetChecksums.martsFile(fullOut, QUARANTINE, options.lastDate()));
        Map<String, Long> qLast = ParquetChecksums.quarantineCounts(
                ParquetChecksums.martsFile(incOut, QUARANTINE, options.lastDate()));
        boolean qSame = qFull.equals(qLast);
        return new IncrementalReport.Comparison(differing.isEmpty() && qSame && !identical.isEmpty(), identical,
                differing, history, qFull, qLast, qSame);
    }

    static IncrementalReport.Summary summary(IncrementalReport.RunFigures full, IncrementalReport.RunFigures after,
            List<IncrementalReport.Night> nights) {
        double fullSeconds = full.wallSeconds();
        double bothFull = (fullSeconds + after.wallSeconds()) / 2;
        double initial = nights.isEmpty() ? Double.NaN : nights.get(0).run().wallSeconds();
        double[] daily = nights.stream().skip(1).filter(n -> !n.wasResumed()).mapToDouble(n -> n.run().wallSeconds())
                .sorted().toArray();
        double median = median(daily);
        double mean = daily.length == 0 ? Double.NaN : java.util.Arrays.stream(daily).average().orElse(Double.NaN);
        return new IncrementalReport.Summary(fullSeconds, initial, Bench.ratio(initial, fullSeconds), daily.length,
                median, mean, Bench.ratio(median, fullSeconds), Bench.ratio(mean, fullSeconds), after.wallSeconds(),
                Bench.ratio(after.wallSeconds(), fullSeconds), Bench.ratio(median, bothFull));
    }

    static double median(double[] sorted) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
}
