package org.crmwarehouse.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.functions;
import org.crmwarehouse.publish.Publisher;

/**
 * The Spark night's Parquet for publish: each table read from the night's {@link SparkTables},
 * checked that business_date holds the night's date on every row (the folder name states it),
 * written without that column as one file (coalesce(1), no shuffle; sorted on the table's unique key, or all
 * columns) and renamed to {@code <table>/<table>.parquet} in the staging folder; Publisher then
 * switches it in as it does the DuckDB night's.
 */
public final class SparkParquetStager implements Publisher.ParquetStager {
    private final SparkTables tables;
    private final java.sql.Connection driver;

    /**
     * {@code driver}: the driver's DuckDB database with a view or table per SparkTables table, where
     * the business_date check runs (a Spark job per table would cost more than the table's write).
     */
    public SparkParquetStager(SparkTables tables, java.sql.Connection driver) {
        this.tables = tables;
        this.driver = driver;
    }

    @Override
    public List<String> stage(Map<String, List<String>> published, Path folder, LocalDate date)
            throws IOException, java.sql.SQLException {
        List<String> files = new ArrayList<>();
        for (Map.Entry<String, List<String>> table : published.entrySet()) {
            String name = table.getKey();
            Dataset<Row> rows = tables.register(name);
            if (Arrays.asList(rows.columns()).contains(Publisher.PARTITION_COLUMN)) {
                long other = org.crmwarehouse.sql.Db.queryLong(driver, "SELECT count(*) FROM "
                        + org.crmwarehouse.sql.Sql.identifier(name) + " WHERE " + Publisher.PARTITION_COLUMN
                        + " IS DISTINCT FROM DATE " + org.crmwarehouse.sql.Sql.literal(date.toString()));
                if (other > 0) {
                    throw new IllegalStateException(name + " has " + other + " rows whose " + Publisher.PARTITION_COLUMN
                            + " is not the night's " + date + ": its Parquet folder business_date=" + date
                            + " would misdate them");
                }
                rows = rows.drop(Publisher.PARTITION_COLUMN);
            }
            Column[] order = (table.getValue().isEmpty() ? Arrays.asList(rows.columns()) : table.getValue()).stream()
                    .map(c -> functions.col("`" + c + "`").asc_nulls_last()).toArray(Column[]::new);
            Path written = folder.resolve(".spark-" + name);
            rows.coalesce(1).sortWithinPartitions(order).write().mode(SaveMode.Overwrite)
                    .option("compression", "zstd").parquet(written.toString());
            Path file = Files.createDirectories(folder.resolve(name)).resolve(name + ".parquet");
            try (Stream<Path> parts = Files.list(written)) {
                List<Path> data = parts.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList();
                if (data.size() != 1) {
                    throw new IllegalStateException(name + ": Spark wrote " + data.size() + " Parquet files, not one");
                }
                Files.move(data.get(0), file);
            }
            Publisher.deleteRecursively(written);
            files.add(name + "/" + name + ".parquet");
        }
        return files;
    }
}
