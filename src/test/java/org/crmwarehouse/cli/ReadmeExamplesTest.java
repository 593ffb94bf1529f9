package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.crmwarehouse.sql.Db;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 3: the README's examples of reading the results are run as written. Each is the
 * indented code block after an {@code <!-- example: NAME -->} line of README.md, taken from the
 * file, so the README and this test cannot drift; {@code var/nightly} is replaced by the output
 * folder of two nights published here. The nights are the first 3 and 4 order lines of the golden
 * daily_sales fixture, whose revenue was added up by hand (see SafePublishingTest): 345.00 on
 * 2026-04-01, 375.00 on 2026-04-02.
 */
class ReadmeExamplesTest {
    @TempDir
    static Path tmp;

    static Path out;

    @BeforeAll
    static void twoNights() throws Exception {
        Path golden = Path.of("src/test/resources/golden/daily_sales");
        Files.copy(golden.resolve("customers.csv"), tmp.resolve("customers.csv"));
        out = tmp.resolve("out");
        for (int lines = 3; lines <= 4; lines++) {
            String date = "2026-04-0" + (lines - 2);
            Files.write(tmp.resolve("orders.csv"), Files.readAllLines(golden.resolve("orders.csv")).subList(0, 1 + lines));
            Path config = tmp.resolve("job.yaml");
            Files.writeString(config, """
                    name: readme_examples
                    business_date: %s
                    output: out
                    reject_threshold: "100%%"   # the golden fixture quarantines a customer on purpose
                    sources:
                      customers: {path: customers.csv}
                      orders: {path: orders.csv}
                    """.formatted(date));
            Cli.Result night = Cli.run("run", "--config", config.toString());
            assertThat(night.exit()).as(night.err()).isZero();
        }
    }

    /** The code block after {@code <!-- example: name -->} in README.md, with the output folder put in. */
    static String example(String name) throws Exception {
        List<String> readme = Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8);
        int at = readme.indexOf("<!-- example: " + name + " -->");
        assertThat(at).as("README.md has the example " + name).isNotNegative();
        List<String> code = new ArrayList<>();
        for (int i = at + 1; i < readme.size(); i++) {
            String line = readme.get(i);
            if (line.startsWith("    ")) {
                code.add(line.substring(4));
            } else if (!line.isBlank() || !code.isEmpty()) {
                break;
            }
        }
        assertThat(code).as("code of the example " + name).isNotEmpty();
        return String.join("\n", code).replace("var/nightly", out.toAbsolutePath().toString());
    }

    @Test
    void theDuckDbExampleAttachesReadOnlyAndGlobsEveryNightOfOneMart() throws Exception {
        List<List<String>> results = new ArrayList<>();
        try (Connection db = Db.inMemory(); Statement s = db.createStatement()) {
            for (String statement : example("duckdb").split(";\\s*(\n|$)")) {
                if (s.execute(statement)) {
                    List<String> rows = new ArrayList<>();
                    try (ResultSet rs = s.getResultSet()) {
                        int n = rs.getMetaData().getColumnCount();
                        while (rs.next()) {
                            rows.add(rs.getString(1) + " " + rs.getString(n));
                        }
                    }
                    results.add(rows);
                }
            }
            // read-only: the attached warehouse refuses a write
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> s.execute(
                    "CREATE TABLE warehouse.t (x INT)"))).hasMessageContaining("read-only");
        }
        assertThat(results).containsExactly(
                List.of("2026-04-02 2026-04-02"), // the last night published
                List.of("2026-04-01 345.00", "2026-04-02 375.00")); // both nights, hand figures
    }

    @Test
    void thePandasExampleReadsATableFolderWithBusinessDateAsAColumn() throws Exception {
        String python = null;
        for (String candidate : List.of("python3", "/usr/bin/python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import pandas, pyarrow").redirectErrorStream(true).start();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    python = candidate;
                    break;
                }
            } catch (java.io.IOException notThere) {
                // try the next one
            }
        }
        Assumptions.assumeTrue(python != null, "skipped: no python3 here can import pandas and pyarrow "
                + "(Debian 12 packages python3-pandas but not pyarrow; pip install pandas pyarrow)");
        Process p = new ProcessBuilder(python, "-c", example("pandas")).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("(?m)^2026-04-01\\s+345(\\.0+)?$").containsPattern("(?m)^2026-04-02\\s+375(\\.0+)?$");
    }

    /**
     * The Spark example, PySpark as written in the README, run on a local Spark session in this
     * JVM (no Python Spark here): its two lines are read by a pattern that accepts exactly their
     * form, {@code x = spark.read.parquet("<folder>")} and
     * {@code x.groupBy("<c>").sum("<m>").orderBy("<c>").show()}, and the same calls are made through
     * Spark's Java API with the names taken from the README, so a change of path, column or call in
     * the README changes what runs here (or fails the pattern).
     */
    @Test
    void theSparkExampleReadsATableFolderWithBusinessDateAsAPartitionColumn() throws Exception {
        String code = example("spark");
        Matcher read = Pattern.compile("^(\\w+) = spark\\.read\\.parquet\\(\"([^\"]+)\"\\)$", Pattern.MULTILINE)
                .matcher(code);
        assertThat(read.find()).as(code).isTrue();
        Matcher query = Pattern.compile("^" + read.group(1) + "\\.groupBy\\(\"(\\w+)\"\\)\\.sum\\(\"(\\w+)\"\\)"
                + "\\.orderBy\\(\"(\\w+)\"\\)\\.show\\(\\)$", Pattern.MULTILINE).matcher(code);
        assertThat(query.find()).as(code).isTrue();
        org.apache.spark.sql.SparkSession spark = org.crmwarehouse.spark.SparkSessions.local("readme-example");
        List<org.apache.spark.sql.Row> rows = spark.read().parquet(read.group(2)).groupBy(query.group(1))
                .sum(query.group(2)).orderBy(query.group(3)).collectAsList();
        // both nights, the hand figures of the class comment
        assertThat(rows.stream().map(r -> r.get(0) + " " + r.get(1)).toList())
                .containsExactly("2026-04-01 345.00", "2026-04-02 375.00");
    }
}
