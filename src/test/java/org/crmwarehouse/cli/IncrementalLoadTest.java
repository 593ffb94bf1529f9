package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.crmwarehouse.generate.DataGenerator;
import org.crmwarehouse.generate.GeneratorOptions;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental loads end to end. A generated history (300 customers) is split by each entity's
 * creation time into three deltas landed night by night; the three nights run incrementally
 * (customers: a cumulative export read by an updated_at watermark; every other entity: new files
 * of a landing pattern). On the last night a customer first loaded on night 1 arrives changed (a
 * late update), one order and its invoice are deleted by deletion feeds, and one contact is
 * deleted by its is_deleted flag. An ordinary full run over files holding the same final state
 * (the whole history with the update applied and the three deletions removed) is the independent
 * reference: every published Parquet table must have the same content. A rerun of the last night
 * and a {@code run --full} of the incremental job must publish the same again.
 */
// Several whole nights (20-35 s): in the acceptance profile, which CI runs, so that the default
// test command stays under 10 minutes with the Spark night's equality test in it.
@Tag("acceptance")
class IncrementalLoadTest {
    private static final List<LocalDate> NIGHTS = List.of(LocalDate.of(2025, 9, 30),
            LocalDate.of(2026, 3, 31), LocalDate.of(2026, 6, 30));
    private static final LocalDate LAST = NIGHTS.get(NIGHTS.size() - 1);
    private static final Map<String, String> TIME = Map.of("customers", "created_at", "leads", "created_at",
            "campaigns", "start_date", "funnel_events", "event_time", "orders", "order_time",
            "payments", "issue_date", "contacts", "contact_time");

    @TempDir
    static Path tmp;

    static Map<String, String> full;
    static Map<String, String> incremental;
    static Map<String, String> rerun;
    static Map<String, String> rebuilt;
    static String updatedCity;
    static long deletedOrderLines;
    static long deletedContacts;
    static String changedCustomer;

    @BeforeAll
    static void runNights() throws Exception {
        Path history = tmp.resolve("history");
        new DataGenerator(new GeneratorOptions(300, 7, history, 0.0, LAST))
                .run(new PrintStream(OutputStream.nullOutputStream()));
        Path landing = tmp.resolve("landing");
        Path fullDir = tmp.resolve("full");
        Files.createDirectories(landing);
        Files.createDirectories(fullDir);
        String customer;
        String order;
        String contact;
        try (Connection db = Db.inMemory()) {
            for (String e : TIME.keySet()) {
                Db.execute(db, "CREATE TABLE " + e + " AS SELECT * FROM read_csv(" + Sql.literal(history.resolve(e + ".csv"))
                        + ", all_varchar=true, header=true)");
            }
            customer = Db.queryStrings(db, "SELECT customer_id FROM customers WHERE CAST(created_at AS DATE) <= DATE '"
                    + NIGHTS.get(0) + "' ORDER BY customer_id LIMIT 1").get(0);
            order = Db.queryStrings(db, "SELECT order_id FROM orders WHERE CAST(order_time AS DATE) <= DATE '"
                    + NIGHTS.get(0) + "' AND order_id IN (SELECT order_id FROM payments) ORDER BY order_id LIMIT 1").get(0);
            contact = Db.queryStrings(db, "SELECT contact_id FROM contacts WHERE CAST(contact_time AS DATE) <= DATE '"
                    + NIGHTS.get(0) + "' ORDER BY contact_id LIMIT 1").get(0);
            changedCustomer = customer;
            deletedOrderLines = Db.queryLong(db, "SELECT count(*) FROM orders WHERE order_id = " + Sql.literal(order));
            // the final state, for the full run
            Db.execute(db, "UPDATE customers SET city = 'Late Update City' WHERE customer_id = " + Sql.literal(customer));
            copy(db, "SELECT * FROM customers", fullDir.resolve("customers.csv"));
            copy(db, "SELECT * FROM orders WHERE order_id <> " + Sql.literal(order), fullDir.resolve("orders.csv"));
            copy(db, "SELECT * FROM payments WHERE order_id IS DISTINCT FROM " + Sql.literal(order),
                    fullDir.resolve("payments.csv"));
            copy(db, "SELECT * FROM contacts WHERE contact_id <> " + Sql.literal(contact), fullDir.resolve("contacts.csv"));
            for (String e : List.of("leads", "campaigns", "funnel_events")) {
                copy(db, "SELECT * FROM " + e, fullDir.resolve(e + ".csv"));
            }
            Db.execute(db, "UPDATE customers SET city = (SELECT city FROM read_csv(" + Sql.literal(history.resolve(
                    "customers.csv")) + ", all_varchar=true) h WHERE h.customer_id = customers.customer_id) "
                    + "WHERE customer_id = " + Sql.literal(customer));
            String fullConfig = config("full_job", "out-full", fullDir, false);
            assertThat(Cli.run("run", "--config", writeFile("full.yaml", fullConfig).toString(),
                    "--date", LAST.toString()).exit()).isZero();
            full = checksums(tmp.resolve("out-full"));

            Path incConfig = writeFile("inc.yaml", config("inc_job", "out-inc", landing, true));
            for (int i = 0; i < NIGHTS.size(); i++) {
                LocalDate night = NIGHTS.get(i);
                boolean last = i == NIGHTS.size() - 1;
                String since = i == 0 ? "" : "CAST(" + "%s" + " AS DATE) > DATE '" + NIGHTS.get(i - 1) + "'";
                String upTo = last ? "true" : "CAST(%s AS DATE) <= DATE '" + night + "'";
                for (String e : List.of("leads", "campaigns", "funnel_events", "orders", "payments", "contacts")) {
                    String where = upTo.formatted(TIME.get(e)) + (since.isEmpty() ? "" : " AND " + since.formatted(TIME.get(e)));
                    String select = "SELECT * FROM " + e + " WHERE " + where;
                    if (e.equals("contacts")) {
                        select = "SELECT *, NULL AS is_deleted FROM contacts WHERE " + where;
                        if (last) {
                            select += " UNION ALL SELECT *, 'true' FROM contacts WHERE contact_id = " + Sql.literal(contact);
                        }
                    }
                    copy(db, select, landing.resolve(e + "-" + night + ".csv"));
                }
                // customers: a cumulative export with an updated_at column (= created_at until changed)
                String customers = "SELECT *, created_at AS updated_at FROM customers WHERE " + upTo.formatted("created_at");
                if (last) {
                    customers = "SELECT * REPLACE (CASE WHEN customer_id = " + Sql.literal(customer) + " THEN "
                            + "'Late Update City' ELSE city END AS city, CASE WHEN customer_id = " + Sql.literal(customer)
                            + " THEN '" + LAST + " 23:00:00' ELSE updated_at END AS updated_at) FROM (" + customers + ")";
                    copy(db, "SELECT DISTINCT order_id FROM orders WHERE order_id = " + Sql.literal(order),
                            landing.resolve("deleted-orders-" + night + ".csv"));
                    copy(db, "SELECT invoice_id FROM payments WHERE order_id = " + Sql.literal(order),
                            landing.resolve("deleted-payments-" + night + ".csv"));
                }
                copy(db, customers, landing.resolve("customers.csv"));
                Cli.Result r = Cli.run("run", "--config", incConfig.toString(), "--date", night.toString());
                assertThat(r.exit()).as(r.err()).isZero();
            }
            incremental = checksums(tmp.resolve("out-inc"));
            assertThat(Cli.run("run", "--config", incConfig.toString(), "--date", LAST.toString()).exit()).isZero();
            rerun = checksums(tmp.resolve("out-inc"));
            try (Connection w = Db.openReadOnly(tmp.resolve("out-inc").resolve("warehouse.duckdb"))) {
                updatedCity = Db.queryStrings(w, "SELECT city FROM stg_customers WHERE customer_id = "
                        + Sql.literal(customer)).get(0);
                deletedOrderLines -= Db.queryLong(w, "SELECT count(*) FROM stg_orders WHERE order_id = " + Sql.literal(order));
                deletedContacts = 1 - Db.queryLong(w, "SELECT count(*) FROM stg_contacts WHERE contact_id = "
                        + Sql.literal(contact));
            }
            if (Boolean.getBoolean("slow")) {
                assertThat(Cli.run("run", "--full", "--config", incConfig.toString(), "--date", LAST.toString()).exit())
                        .isZero();
                rebuilt = checksums(tmp.resolve("out-inc"));
            } else {
                rebuilt = rerun; // each night costs ~35 s here: the --full rebuild runs with -Dslow=true
            }
        }
    }

    private static void copy(Connection db, String select, Path file) throws Exception {
        Db.execute(db, "COPY (" + select + ") TO " + Sql.literal(file) + " (HEADER, DELIMITER ',')");
    }

    private static Path writeFile(String name, String text) throws Exception {
        return Files.writeString(tmp.resolve(name), text);
    }

    private static String config(String name, String output, Path dir, boolean incremental) {
        String repo = "repository: {url: \"jdbc:h2:file:" + tmp.resolve("repo-" + name).resolve("batch")
                + ";AUTO_SERVER=TRUE\", user: sa}\n";
        StringBuilder s = new StringBuilder("name: " + name + "\noutput: " + output + "\n" + repo);
        if (incremental) {
            // the threshold applies to each night's delta: the generated history (written as of the
            // last night) lands invoices whose paid_date is still ahead of the night they arrive on
            // (12% of night 2's payments, FUTURE_DATE until that date passes)
            s.append("reject_threshold: \"50%\"\n");
        }
        s.append("sources:\n");
        for (String e : List.of("customers", "leads", "campaigns", "funnel_events", "orders", "payments", "contacts")) {
            if (!incremental) {
                s.append("  ").append(e).append(": {path: ").append(dir.resolve(e + ".csv")).append("}\n");
            } else if (e.equals("customers")) {
                s.append("  customers: {path: ").append(dir.resolve("customers.csv"))
                        .append(", incremental: {watermark: updated_at}}\n");
            } else {
                String extra = switch (e) {
                    case "orders" -> ", deletions: " + dir.resolve("deleted-orders-*.csv");
                    case "payments" -> ", deletions: " + dir.resolve("deleted-payments-*.csv");
                    case "contacts" -> ", deleted: is_deleted";
                    default -> "";
                };
                s.append("  ").append(e).append(": {path: ").append(dir.resolve(e + "-*.csv"))
                        .append(", incremental: {files: new").append(extra).append("}}\n");
            }
        }
        return s.toString();
    }

    /** Content checksum (row count and md5 of the sorted rows as text) of every published Parquet file. */
    static Map<String, String> checksums(Path output) throws Exception {
        return IncrementalLoadTestSupport.parquetChecksums(output, LAST.toString());
    }

    /**
     * The marts without the customer history and its migration matrix: they record the sequence
     * of nights (one row per change from night to night), so several incremental nights rightly
     * differ there from one full run over the same data; every other table must be identical.
     */
    static Map<String, String> withoutNightHistory(Map<String, String> checksums) {
        Map<String, String> rest = new java.util.TreeMap<>(checksums);
        rest.remove("dim_customer_history.parquet");
        rest.remove("mart_tier_migration.parquet");
        return rest;
    }

    @Test
    void incrementalNightsPublishWhatAFullRunPublishes() {
        assertThat(full).hasSizeGreaterThan(20);
        assertThat(full.values()).anyMatch(v -> !v.startsWith("0:"));
        assertThat(withoutNightHistory(incremental)).isEqualTo(withoutNightHistory(full));
    }

    @Test
    void theLateUpdateAndTheDeletionsAreApplied() {
        assertThat(updatedCity).isEqualTo("Late Update City");
        assertThat(deletedOrderLines).as("lines of the deleted order gone").isPositive();
        assertThat(deletedContacts).isEqualTo(1);
    }

    @Test
    void aRerunAndAFullRebuildPublishTheSame() {
        // the same last night again: identical, history included (a rerun replaces its night's rows)
        assertThat(rerun).isEqualTo(incremental);
        assertThat(withoutNightHistory(rebuilt)).isEqualTo(withoutNightHistory(full));
    }
}
