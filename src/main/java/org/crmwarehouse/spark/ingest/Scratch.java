package org.crmwarehouse.spark.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.crmwarehouse.spark.SparkTables;

/**
 * The step's intermediate tables (DuckDB's temp tables), written as Parquet under {@code _work}
 * of the tables folder and read back: a result computed once (a drawn row id stays drawn), kept
 * on disk rather than in the driver's memory, with a short plan. Each write gets a new folder, so
 * a table may be rebuilt from itself.
 */
final class Scratch {
    private final SparkSession spark;
    private final Path folder;
    private int written;

    Scratch(SparkTables tables) {
        this.spark = tables.spark();
        this.folder = tables.folder().resolve("_work");
    }

    Dataset<Row> keep(Dataset<Row> rows) {
        String path = folder.resolve("t" + written++).toString();
        rows.write().mode(SaveMode.Overwrite).parquet(path);
        return spark.read().parquet(path);
    }

    /** Removes every intermediate table. */
    void clear() {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
