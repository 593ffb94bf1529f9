package org.crmwarehouse.spark.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.extract.SourceExtractor;
import org.crmwarehouse.spark.SparkTables;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.crmwarehouse.validate.ContractValidator;
import org.crmwarehouse.validate.SourceAudit;

/**
 * Runs the DuckDB extract + validate and the Spark ingest on one job, then compares every table
 * the DuckDB work database holds after validate with the Spark table of the same name, in DuckDB:
 * the same column names and types, and EXCEPT ALL empty both ways (equal as multisets).
 */
final class IngestComparison {
    final Connection duck;
    final SparkTables spark;
    final List<SourceAudit> duckAudits;
    final List<SourceAudit> sparkAudits;

    private IngestComparison(Connection duck, SparkTables spark, List<SourceAudit> duckAudits,
            List<SourceAudit> sparkAudits) {
        this.duck = duck;
        this.spark = spark;
        this.duckAudits = duckAudits;
        this.sparkAudits = sparkAudits;
    }

    static IngestComparison run(SparkSession session, JobConfig config, LocalDate date, Path folder) throws Exception {
        Contract contract = Contract.standard();
        Connection duck = Db.inMemory();
        new SourceExtractor(contract).extract(duck, config, date);
        List<SourceAudit> duckAudits = new ContractValidator(contract).validate(duck, config, date);
        SparkTables tables = new SparkTables(session, folder);
        new SparkSourceReader(contract).read(tables, config, date);
        List<SourceAudit> sparkAudits = new SparkContractValidator(contract).validate(tables, config, date);
        return new IngestComparison(duck, tables, duckAudits, sparkAudits);
    }

    /** The DuckDB night's tables and views (temporary ones excluded) after validate. */
    List<String> duckTables() throws SQLException {
        return Db.queryStrings(duck, "SELECT table_name FROM duckdb_tables() WHERE NOT temporary UNION ALL "
                + "SELECT view_name FROM duckdb_views() WHERE NOT temporary AND NOT internal ORDER BY 1");
    }

    /** Differences of one table, empty when equal: missing, column names or types, rows only on one side. */
    List<String> differences(String table) throws SQLException {
        List<String> out = new ArrayList<>();
        if (!spark.exists(table)) {
            out.add(table + ": not written by the Spark ingest");
            return out;
        }
        String view = "spark_" + table;
        Db.execute(duck, "CREATE OR REPLACE VIEW " + view + " AS SELECT * FROM read_parquet("
                + Sql.literal(spark.pathOf(table).resolve("*.parquet").toString()) + ")");
        // DuckDB widens _line to HUGEINT when LineNumbering renumbers a file's records; Spark has no
        // 128-bit integer and keeps BIGINT: the values are compared below
        List<String> duckColumns = Db.queryStrings(duck, "SELECT column_name || ' ' || replace(data_type, 'HUGEINT', "
                + "'BIGINT') FROM "
                + "information_schema.columns WHERE table_schema = 'main' AND table_name = " + Sql.literal(table)
                + " ORDER BY 1");
        List<String> sparkColumns = Db.queryStrings(duck, "SELECT column_name || ' ' || data_type FROM "
                + "information_schema.columns WHERE table_schema = 'main' AND table_name = " + Sql.literal(view)
                + " ORDER BY 1");
        if (!duckColumns.equals(sparkColumns)) {
            out.add(table + ": columns " + duckColumns + " on DuckDB, " + sparkColumns + " on Spark");
            return out;
        }
        List<String> names = Db.queryStrings(duck, "SELECT column_name FROM information_schema.columns WHERE "
                + "table_schema = 'main' AND table_name = " + Sql.literal(table) + " ORDER BY ordinal_position");
        String columns = String.join(", ", names.stream().map(Sql::identifier).toList());
        String duckOnly = "SELECT " + columns + " FROM " + table + " EXCEPT ALL SELECT " + columns + " FROM " + view;
        String sparkOnly = "SELECT " + columns + " FROM " + view + " EXCEPT ALL SELECT " + columns + " FROM " + table;
        for (String row : Db.queryStrings(duck, "SELECT CAST(t AS VARCHAR) FROM (" + duckOnly + " LIMIT 5) t")) {
            out.add(table + ": only on DuckDB: " + row);
        }
        for (String row : Db.queryStrings(duck, "SELECT CAST(t AS VARCHAR) FROM (" + sparkOnly + " LIMIT 5) t")) {
            out.add(table + ": only on Spark: " + row);
        }
        return out;
    }

    /** The differences of every DuckDB table. */
    List<String> allDifferences() throws SQLException {
        List<String> out = new ArrayList<>();
        for (String table : duckTables()) {
            out.addAll(differences(table));
        }
        return out;
    }

    void close() throws SQLException {
        duck.close();
    }

    static void assertEqual(IngestComparison c) throws SQLException {
        assertThat(c.allDifferences()).isEmpty();
        assertThat(c.sparkAudits).containsExactlyInAnyOrderElementsOf(c.duckAudits);
    }
}
