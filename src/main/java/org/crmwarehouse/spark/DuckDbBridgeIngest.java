package org.crmwarehouse.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.extract.SourceExtractor;
import org.crmwarehouse.publish.Publisher;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.crmwarehouse.validate.ContractValidator;
import org.crmwarehouse.validate.QuarantinePolicy;
import org.crmwarehouse.validate.SourceAudit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bridge until sources are read by Spark itself: the DuckDB night's own extract and validate
 * (SourceExtractor, ContractValidator, the quarantine policy) run on the driver in a DuckDB work
 * database, {@code <work>/build.duckdb}, and validate then exports every table and view of it as
 * Parquet into the SparkTables folder. The rows and the accounting are therefore the DuckDB
 * night's by construction; what it does not give is reading on executors.
 */
public final class DuckDbBridgeIngest implements SparkIngest {
    private static final Logger log = LoggerFactory.getLogger("org.crmwarehouse.progress");
    public static final String WORK_DATABASE = "build.duckdb";

    @Override
    public void extract(JobConfig config, LocalDate businessDate, Contract contract, Path workFolder,
            SparkTables tables) throws Exception {
        try (Connection db = Db.open(workFolder.resolve(WORK_DATABASE))) {
            new SourceExtractor(contract).extract(db, config, businessDate);
        }
    }

    @Override
    public void validate(JobConfig config, LocalDate businessDate, Contract contract, Path workFolder,
            SparkTables tables) throws Exception {
        try (Connection db = Db.open(workFolder.resolve(WORK_DATABASE))) {
            List<SourceAudit> audits = new ContractValidator(contract).validate(db, config, businessDate);
            QuarantinePolicy.enforce(db, config, audits);
            long t0 = System.nanoTime();
            List<String> exported = export(db, tables.folder());
            log.info("[validate] {} tables exported as Parquet to {} in {} ms", exported.size(), tables.folder(),
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /**
     * Writes every table and view of the database's main schema as {@code <folder>/<name>/part-0.parquet}
     * with Spark's {@code _SUCCESS} marker, what {@link SparkTables} reads. The folder is emptied
     * first, so a validate run again leaves no table of the attempt before.
     */
    public static List<String> export(Connection db, Path folder) throws Exception {
        Publisher.deleteRecursively(folder);
        Files.createDirectories(folder);
        List<String> names = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT table_name FROM duckdb_tables() "
                + "WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary UNION "
                + "SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND "
                + "schema_name = 'main' AND NOT internal AND NOT temporary ORDER BY 1")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        for (String name : names) {
            Path table = Files.createDirectories(folder.resolve(name));
            Db.execute(db, "COPY (SELECT * FROM " + Sql.identifier(name) + ") TO "
                    + Sql.literal(table.resolve("part-0.parquet")) + " (FORMAT parquet, COMPRESSION zstd)");
            touch(table.resolve("_SUCCESS"));
        }
        return names;
    }

    private static void touch(Path file) throws IOException {
        Files.write(file, new byte[0]);
    }
}
