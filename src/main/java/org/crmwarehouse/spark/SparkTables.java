package org.crmwarehouse.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark night's work state, the counterpart of the DuckDB night's work database: one Parquet
 * folder per table under {@code folder} ({@code <folder>/<table>/part-*.parquet}), each seen by the
 * SQL as a temporary view of the same name. A step writes its tables here and the next step (after
 * a restart, in another process) registers them again, so steps stay restartable and a table
 * written twice holds the second content only.
 */
public final class SparkTables {
    private final SparkSession spark;
    private final Path folder;

    public SparkTables(SparkSession spark, Path folder) {
        this.spark = spark;
        this.folder = folder.toAbsolutePath().normalize();
    }

    public SparkSession spark() {
        return spark;
    }

    public Path folder() {
        return folder;
    }

    /** The folder holding a table's Parquet files (it may not exist). */
    public Path pathOf(String table) {
        return folder.resolve(table);
    }

    /** Whether a table has been written (its folder holds Spark's _SUCCESS marker). */
    public boolean exists(String table) {
        return Files.exists(pathOf(table).resolve("_SUCCESS"));
    }

    /**
     * Writes {@code rows} as table {@code table} (replacing what was there) and points the view
     * {@code table} at the written files, so later SQL reads the materialised table instead of
     * recomputing its plan.
     */
    public Dataset<Row> write(String table, Dataset<Row> rows) {
        rows.write().mode(SaveMode.Overwrite).parquet(pathOf(table).toString());
        return register(table);
    }

    /** Runs a SELECT and writes its result as {@code table}. */
    public Dataset<Row> materialize(String table, String select) {
        return write(table, spark.sql(select));
    }

    /** Registers the view {@code table} over its written files. */
    public Dataset<Row> register(String table) {
        if (!exists(table)) {
            throw new IllegalStateException("table " + table + " has not been written under " + folder);
        }
        Dataset<Row> rows = spark.read().parquet(pathOf(table).toString());
        rows.createOrReplaceTempView(table);
        return rows;
    }

    /** Registers every table written so far (what a restarted step does first); returns their names. */
    public List<String> registerAll() {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> tables = Files.list(folder)) {
            List<String> names = tables.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(this::exists).sorted().toList();
            names.forEach(this::register);
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
