package org.crmwarehouse.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.crmwarehouse.sql.QueryRows;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.extract.SourceExtractor;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.crmwarehouse.validate.ContractValidator;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden-result tests of the SQL models, in the style of Spark's sql-tests and DuckDB's
 * sqllogictests: each folder of src/test/resources/golden holds a job.yaml, its small input files
 * and expected/&lt;table&gt;.csv files worked out by hand (each case's README shows the arithmetic).
 * The case runs extract, validate and transform, and every expected table must equal the built
 * one as a multiset of rows over the expected file's columns. Adding a case needs no Java.
 */
public class GoldenModelTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    @TestFactory
    Stream<DynamicContainer> goldenCases() throws IOException {
        List<Path> cases;
        try (Stream<Path> list = Files.list(GOLDEN)) {
            // -Dgolden=<case>[,<case>...] runs only those cases (the whole set takes minutes)
            List<String> only = List.of(System.getProperty("golden", "").split(","));
            cases = list.filter(Files::isDirectory)
                    .filter(d -> only.equals(List.of("")) || only.contains(d.getFileName().toString())).sorted().toList();
        }
        return cases.stream().map(dir -> {
            List<Path> expected = expectedTables(dir);
            CaseNight night = new CaseNight(dir, expected.size());
            return DynamicContainer.dynamicContainer(dir.getFileName().toString(), expected.stream().map(
                    table -> DynamicTest.dynamicTest(table.getFileName().toString(), () -> night.check(table))));
        });
    }

    /**
     * A case's night, built once for all its expected tables (building it per table cost the
     * default test run about a minute) and closed after the last one is checked.
     */
    private static final class CaseNight {
        private final Path dir;
        private int unchecked;
        private Connection db;
        private Exception failure;

        CaseNight(Path dir, int tables) {
            this.dir = dir;
            this.unchecked = tables;
        }

        void check(Path expectedFile) throws Exception {
            try {
                GoldenModelTest.check(built(), expectedFile);
            } finally {
                if (--unchecked == 0 && db != null) {
                    db.close();
                }
            }
        }

        private Connection built() throws Exception {
            if (db == null && failure == null) {
                Contract contract = Contract.standard();
                JobConfig config = new JobConfigLoader(contract).load(dir.resolve("job.yaml"));
                Connection c = Db.inMemory();
                try {
                    new SourceExtractor(contract).extract(c, config);
                    new ContractValidator(contract).validate(c, config, config.businessDate());
                    new ModelRunner(ModelCatalog.packaged(contract)).run(c, config.businessDate(), config.parameters());
                    db = c;
                } catch (Exception e) {
                    c.close();
                    failure = e;
                }
            }
            if (failure != null) {
                throw failure; // every table of the case reports the night's failure
            }
            return db;
        }
    }

    private static List<Path> expectedTables(Path dir) {
        try (Stream<Path> list = Files.list(dir.resolve("expected"))) {
            return list.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(dir + " has no expected/ folder", e);
        }
    }

    /**
     * The table named like {@code expectedFile} in {@code db} equals the file's rows as a multiset,
     * over the file's columns (also used by cli/SparkGoldenNightTest on a Spark night's output).
     */
    public static void check(Connection db, Path expectedFile) throws Exception {
        String table = expectedFile.getFileName().toString().replace(".csv", "");
        Map<String, String> types = columnTypes(db, table);
        List<String> columns = Db.columnsOf(db, "SELECT * FROM read_csv(" + Sql.literal(expectedFile)
                + ", header=true, all_varchar=true)");
        List<String> expectedCasts = new ArrayList<>();
        for (String c : columns) {
            assertThat(types).as("columns of " + table).containsKey(c);
            expectedCasts.add("CAST(nullif(" + Sql.identifier(c) + ", '') AS " + types.get(c) + ") AS "
                    + Sql.identifier(c));
        }
        String actual = "SELECT " + String.join(", ", columns.stream().map(Sql::identifier).toList()) + " FROM " + table;
        String expected = "SELECT " + String.join(", ", expectedCasts) + " FROM read_csv(" + Sql.literal(expectedFile)
                + ", header=true, all_varchar=true)";
        List<String> missing = rows(db, "(" + expected + ") EXCEPT ALL (" + actual + ")");
        List<String> unexpected = rows(db, "(" + actual + ") EXCEPT ALL (" + expected + ")");
        assertThat(missing).as(table + ": expected rows not built (columns " + columns + ")").isEmpty();
        assertThat(unexpected).as(table + ": built rows not expected (columns " + columns + ")").isEmpty();
    }

    private static Map<String, String> columnTypes(Connection db, String table) throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("DESCRIBE " + table)) {
            while (rs.next()) {
                types.put(rs.getString(1), rs.getString(2));
            }
        }
        return types;
    }

    private static List<String> rows(Connection db, String query) throws SQLException {
        return QueryRows.of(db, query, ", ", "null");
    }
}
