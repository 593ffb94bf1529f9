package org.crmwarehouse.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;

/**
 * Runs DuckDB code on the Spark driver over the night's Parquet work state: an in-memory DuckDB
 * sees every table of the {@link SparkTables} folder as a view over its Parquet files, the code
 * runs unchanged, and the tables it creates are copied back as Parquet folders and registered in
 * the Spark session.
 *
 * <p>This needs the work folder on a filesystem the driver reads and writes (local, or shared
 * with the executors: NFS and the like); HDFS or S3 work folders would need the tables fetched
 * first. It suits the Java models because their inputs are aggregates (the customer-value fits
 * read the distinct weighted purchase patterns, the back-test and retention fits per-customer
 * summaries), except duplicate scoring, whose blocked candidate pairs grow with the data: on a
 * large night that model is the one that would have to become a Spark job.
 */
final class DriverDuckDb {
    private final SparkTables tables;

    DriverDuckDb(SparkTables tables) {
        this.tables = tables;
    }

    interface Work {
        void run(Connection db) throws SQLException;
    }

    /**
     * Opens the in-memory database with views over the written tables (those in {@code asTables}
     * are copied in as tables instead, so the code may append to them; those in {@code replaced},
     * which the work creates, are left out), runs {@code work}, writes every table the database
     * then holds back as Parquet and registers it.
     */
    void run(Set<String> asTables, Set<String> replaced, Work work) throws SQLException {
        try (Connection db = Db.inMemory()) {
            for (String table : written()) {
                if (replaced.contains(table) && !asTables.contains(table)) {
                    continue; // replaced by the work: a view of the old files would be in its way
                }
                String source = "read_parquet(" + Sql.literal(tables.pathOf(table).resolve("*.parquet").toString()) + ")";
                Db.execute(db, (asTables.contains(table) ? "CREATE TABLE " : "CREATE VIEW ") + table
                        + " AS SELECT * FROM " + source);
            }
            work.run(db);
            for (String table : Db.queryStrings(db, "SELECT table_name FROM information_schema.tables"
                    + " WHERE table_type = 'BASE TABLE' ORDER BY table_name")) {
                Path folder = tables.pathOf(table);
                deleteFolder(folder);
                Files.createDirectories(folder);
                Db.execute(db, "COPY " + table + " TO " + Sql.literal(folder.resolve("part-00000.parquet").toString())
                        + " (FORMAT parquet)");
                Files.createFile(folder.resolve("_SUCCESS"));
                tables.register(table);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> written() throws IOException {
        if (!Files.isDirectory(tables.folder())) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(tables.folder())) {
            return list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(tables::exists)
                    .sorted().toList();
        }
    }

    static void deleteFolder(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
