package org.crmwarehouse.spark.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.crmwarehouse.config.FileSpec;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.SourceSpec;
import org.crmwarehouse.contract.ColumnContract;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.contract.EntityContract;
import org.crmwarehouse.extract.CsvHeader;
import org.crmwarehouse.extract.ExtractException;
import org.crmwarehouse.extract.SourceExtractor;
import org.crmwarehouse.spark.SparkTables;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extract step on Spark: reads every source into {@code raw_<entity>} (and raw files into
 * {@code rawfile_<name>}) in the shape SourceExtractor gives them: {@code _line}, {@code _source},
 * the contract's columns as text. Files are read as numbered lines by Spark, so a record's
 * {@code _line} is the physical line it starts on; CSV records are put together from their lines
 * by quote parity (a quoted line break continues the record) and split by Spark's {@code from_csv}.
 * Records that do not split into the header's columns go to {@code extract_rejects}, as do rows
 * holding a NUL byte. Line counts go to {@code extract_lines} and {@code extract_multiline}.
 *
 * <p>A mapping is DuckDB SQL (the config checks it with DuckDB's parser), so it runs in an
 * in-memory DuckDB over the Parquet files of the raw tables Spark read, and its result is read
 * back by Spark. PostgreSQL and incremental sources are refused on this engine.
 */
public final class SparkSourceReader {
    private static final Logger log = LoggerFactory.getLogger(SparkSourceReader.class);

    /** Appended to a CSV record before it is split: the field it lands in tells the record's field count. */
    private static final String SENTINEL = "\u0001";
    static final StructType REJECTS = new StructType().add("entity", DataTypes.StringType)
            .add("source", DataTypes.StringType).add("line", DataTypes.LongType)
            .add("column_name", DataTypes.StringType).add("reason_code", DataTypes.StringType)
            .add("value", DataTypes.StringType).add("detail", DataTypes.StringType)
            .add("raw_text", DataTypes.StringType);

    private final Contract contract;
    private SparkSession spark;
    private Scratch scratch;
    private final List<Dataset<Row>> rejects = new ArrayList<>();
    private final List<Dataset<Row>> multiline = new ArrayList<>();
    private final List<Row> lineCounts = new ArrayList<>();
    private final List<Row> unknownColumns = new ArrayList<>();

    public SparkSourceReader(Contract contract) {
        this.contract = contract;
    }

    /** Refuses what this engine does not read yet, before anything is read. */
    public static void checkSupported(JobConfig config) {
        for (Map.Entry<String, SourceSpec> s : config.sources().entrySet()) {
            if (s.getValue().isIncremental()) {
                throw new ExtractException("sources." + s.getKey() + " is incremental: the Spark engine reads full "
                        + "sources only; run this job with engine duckdb");
            }
            if (s.getValue().isPostgres()) {
                throw new ExtractException("sources." + s.getKey() + " is a PostgreSQL query: the Spark engine does "
                        + "not read PostgreSQL yet; set spark.ingest: driver (the driver reads it) or run this job with engine duckdb");
            }
        }
        List<FileSpec> files = new ArrayList<>(config.raw().values());
        config.sources().values().stream().filter(s -> !s.isMapped()).forEach(s -> files.add(s.file()));
        for (FileSpec f : files) {
            String encoding = f.encoding() == null ? "utf-8" : f.encoding().toLowerCase(Locale.ROOT).replace("_", "-");
            if (f.format() != FileSpec.FileFormat.PARQUET && !encoding.equals("utf-8") && !encoding.equals("utf8")) {
                throw new ExtractException(f.path() + ": encoding " + f.encoding() + ": the Spark engine reads UTF-8 "
                        + "text only; convert the file, set spark.ingest: driver or run this job with engine duckdb");
            }
        }
    }

    public void read(SparkTables tables, JobConfig config, LocalDate businessDate) throws SQLException {
        checkSupported(config);
        spark = tables.spark();
        scratch = new Scratch(tables);
        for (Map.Entry<String, FileSpec> raw : config.raw().entrySet()) {
            String label = "raw:" + raw.getKey();
            Dataset<Row> rows = readFile(raw.getValue(), label, label, null);
            tables.write("rawfile_" + raw.getKey(), rows == null ? emptyLines() : rows);
        }
        for (EntityContract entity : contract.entities()) {
            SourceSpec source = config.sources().get(entity.name());
            long started = System.nanoTime();
            String table = "raw_" + entity.name();
            if (source == null) {
                tables.write(table, spark.createDataFrame(List.of(), rawSchema(entity)));
                continue;
            }
            if (source.isMapped()) {
                tables.write(table, mapped(tables, entity, source, businessDate));
            } else {
                Projection projection = new Projection(entity, source.label(), source.file().path().toString());
                Dataset<Row> rows = readFile(source.file(), entity.name(), source.label(), projection);
                if (rows == null) { // an empty file: no header, no rows
                    rows = spark.createDataFrame(List.of(), rawSchema(entity));
                } else {
                    projection.checkRequired();
                }
                tables.write(table, rows);
            }
            log.info("[extract:spark] {} from {} ({} ms)", entity.name(), source.label(),
                    (System.nanoTime() - started) / 1_000_000);
        }
        Dataset<Row> allRejects = spark.createDataFrame(List.of(), REJECTS);
        for (Dataset<Row> r : rejects) {
            allRejects = allRejects.unionByName(r);
        }
        tables.write("extract_rejects", allRejects);
        tables.write(SourceExtractor.UNKNOWN_COLUMNS, spark.createDataFrame(unknownColumns, new StructType()
                .add("entity", DataTypes.StringType).add("source", DataTypes.StringType)
                .add("column_name", DataTypes.StringType)));
        tables.write("extract_lines", spark.createDataFrame(lineCounts, new StructType()
                .add("entity", DataTypes.StringType).add("source", DataTypes.StringType)
                .add("physical_lines", DataTypes.LongType).add("header_lines", DataTypes.LongType)
                .add("blank_lines", DataTypes.LongType)));
        Dataset<Row> multi = spark.createDataFrame(List.of(), new StructType().add("entity", DataTypes.StringType)
                .add("source", DataTypes.StringType).add("line", DataTypes.LongType).add("lines", DataTypes.LongType));
        for (Dataset<Row> m : multiline) {
            multi = multi.unionByName(m);
        }
        tables.write("extract_multiline", multi);
        scratch.clear();
    }

    static StructType rawSchema(EntityContract entity) {
        StructType schema = new StructType().add("_line", DataTypes.LongType).add("_source", DataTypes.StringType);
        for (String c : entity.columnNames()) {
            schema = schema.add(c, DataTypes.StringType);
        }
        return schema;
    }

    private Dataset<Row> emptyLines() {
        return spark.createDataFrame(List.of(), new StructType().add("_line", DataTypes.LongType));
    }

    /**
     * Reads one file: {@code _line} plus the projection of the file's columns (all text; with no
     * projection, every column under its own name). Null for an empty (zero-byte) text file.
     */
    private Dataset<Row> readFile(FileSpec file, String entity, String source, Projection projection) {
        try {
            if (file.format() != FileSpec.FileFormat.PARQUET && Files.size(file.path()) == 0) {
                return null;
            }
        } catch (IOException e) {
            throw new ExtractException(file.path() + ": cannot be read: " + e.getMessage(), e);
        }
        Dataset<Row> rows = switch (file.format()) {
            case CSV -> readCsv(file, entity, source, projection);
            case JSONL -> readJsonLines(file, entity, source, projection);
            case PARQUET -> readParquet(file, projection);
        };
        return rejectNulBytes(rows, entity, source);
    }

    /** The file's lines numbered from 1 in file order ({@code _n}, {@code value}); a BOM is dropped. */
    private Dataset<Row> lines(FileSpec file) {
        Dataset<Row> text = spark.read().text(file.path().toString());
        Dataset<Row> numbered = numbered(text);
        numbered.createOrReplaceTempView("_numbered");
        return spark.sql("SELECT _n, CASE WHEN _n = 1 THEN regexp_replace(value, '^\\uFEFF', '') ELSE value END "
                + "AS value FROM _numbered");
    }

    /** The rows with their position in the dataset's order (from 1) as {@code _n}. */
    private Dataset<Row> numbered(Dataset<Row> rows) {
        StructType schema = new StructType().add("_n", DataTypes.LongType, false);
        for (StructField f : rows.schema().fields()) {
            schema = schema.add(f);
        }
        int width = rows.schema().fields().length;
        JavaRDD<Row> indexed = rows.javaRDD().zipWithIndex().map(t -> {
            Object[] values = new Object[width + 1];
            values[0] = t._2() + 1;
            for (int i = 0; i < width; i++) {
                values[i + 1] = t._1().get(i);
            }
            return RowFactory.create(values);
        });
        return spark.createDataFrame(indexed, schema);
    }

    private Dataset<Row> readCsv(FileSpec file, String entity, String source, Projection projection) {
        String quote = file.quote() == null || file.quote().isEmpty() ? null : file.quote().substring(0, 1);
        lines(file).createOrReplaceTempView("_lines");
        // a line continues the record before it when the quotes before it are odd (inside a quoted field)
        String quotes = quote == null ? "0" : "length(value) - length(replace(value, " + SparkSql.literal(quote) + ", ''))";
        Dataset<Row> marked = spark.sql("SELECT _n, value, coalesce(sum(quotes) OVER (ORDER BY _n ROWS BETWEEN "
                + "UNBOUNDED PRECEDING AND 1 PRECEDING), 0) % 2 = 1 AS inside FROM (SELECT _n, value, " + quotes
                + " AS quotes FROM _lines)").transform(scratch::keep);
        marked.createOrReplaceTempView("_marked");
        boolean header = file.header();
        String blank = "(NOT inside AND value = ''" + (header ? " AND _n > 1" : "") + ")";
        Dataset<Row> records = spark.sql("SELECT rec AS _line, count(*) AS lines, concat_ws('\\n', transform("
                + "array_sort(collect_list(struct(_n, value))), x -> x.value)) AS text FROM (SELECT _n, value, "
                + "max(CASE WHEN NOT inside THEN _n END) OVER (ORDER BY _n ROWS UNBOUNDED PRECEDING) AS rec FROM "
                + "_marked WHERE NOT " + blank + ") GROUP BY rec").transform(scratch::keep);
        records.createOrReplaceTempView("_records");
        Row counts = spark.sql("SELECT count(*), count_if(" + blank + ") FROM _marked").first();
        long headerLines = header ? spark.sql("SELECT coalesce(max(lines), 0) FROM _records WHERE _line = 1")
                .first().getLong(0) : 0;
        lineCounts.add(RowFactory.create(entity, source, counts.getLong(0), headerLines, counts.getLong(1)));

        List<String> fileColumns;
        if (!file.columns().isEmpty()) {
            fileColumns = file.columns();
        } else if (header) {
            fileColumns = CsvHeader.read(file);
        } else {
            String first = spark.sql("SELECT text FROM _records ORDER BY _line LIMIT 1").first().getString(0);
            int n = CsvHeader.split(first, file.delimiter(), file.quote()).size();
            fileColumns = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                fileColumns.add("column" + i); // DuckDB's names for a file without header
            }
        }
        int k = fileColumns.size();
        List<String> schema = new ArrayList<>();
        for (int i = 0; i <= k; i++) {
            schema.add("_c" + i + " STRING");
        }
        String options = "map('sep', " + SparkSql.literal(file.delimiter()) + ", 'quote', "
                + SparkSql.literal(quote == null ? "\u0000" : quote) + ", 'escape', "
                + SparkSql.literal(quote == null ? "\\" : quote) + ", 'mode', 'PERMISSIVE', 'maxCharsPerColumn', '-1')";
        // the sentinel lands in field k exactly when the record has k fields
        StringBuilder found = new StringBuilder("CASE");
        for (int i = 0; i <= k; i++) {
            found.append(" WHEN _p._c").append(i).append(" = ").append(SparkSql.literal(SENTINEL)).append(" THEN ")
                    .append(i);
        }
        found.append(" END");
        spark.sql("SELECT _line, lines, text, _p, " + found + " AS _found FROM (SELECT _line, lines, text, from_csv("
                + "text || " + SparkSql.literal(file.delimiter() + SENTINEL) + ", " + SparkSql.literal(String.join(", ",
                schema)) + ", " + options + ") AS _p FROM _records" + (header ? " WHERE _line > 1" : "") + ")")
                .transform(scratch::keep).createOrReplaceTempView("_parsed");
        String e = SparkSql.literal(entity);
        String s = SparkSql.literal(source);
        rejects.add(spark.sql("SELECT " + e + " AS entity, " + s + " AS source, _line AS line, CAST(NULL AS STRING) "
                + "AS column_name, 'MALFORMED_ROW' AS reason_code, CAST(NULL AS STRING) AS value, CASE WHEN _found IS "
                + "NULL THEN 'TOO MANY COLUMNS: Expected Number of Columns: " + k + " Found: ' || (" + k + " + 1) ELSE "
                + "'MISSING COLUMNS: Expected Number of Columns: " + k + " Found: ' || _found END AS detail, text AS "
                + "raw_text FROM _parsed WHERE _found IS DISTINCT FROM " + k).transform(scratch::keep));
        multiline.add(spark.sql("SELECT " + e + " AS entity, " + s + " AS source, _line AS line, lines FROM _parsed "
                + "WHERE lines > 1 AND _found = " + k).transform(scratch::keep));
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            fields.add("_p._c" + i);
        }
        return spark.sql("SELECT _line, " + String.join(", ", select(projection, fileColumns, fields))
                + " FROM _parsed WHERE _found = " + k);
    }

    private Dataset<Row> readJsonLines(FileSpec file, String entity, String source, Projection projection) {
        lines(file).createOrReplaceTempView("_lines");
        Dataset<Row> parsed = spark.sql("SELECT _n AS _line, value, trim(value) = '' AS blank, from_json(value, "
                + "'MAP<STRING, STRING>') AS _m FROM _lines").transform(scratch::keep);
        parsed.createOrReplaceTempView("_json");
        Row counts = spark.sql("SELECT count(*), count_if(blank) FROM _json").first();
        lineCounts.add(RowFactory.create(entity, source, counts.getLong(0), 0L, counts.getLong(1)));
        rejects.add(spark.sql("SELECT " + SparkSql.literal(entity) + " AS entity, " + SparkSql.literal(source)
                + " AS source, _line AS line, CAST(NULL AS STRING) AS column_name, 'MALFORMED_ROW' AS reason_code, "
                + "CAST(NULL AS STRING) AS value, 'not a JSON object' AS detail, value AS raw_text FROM _json WHERE "
                + "NOT blank AND _m IS NULL").transform(scratch::keep));
        List<String> keys = spark.sql("SELECT key FROM (SELECT explode(map_keys(_m)) AS key, _line FROM _json WHERE "
                + "_m IS NOT NULL) GROUP BY key ORDER BY min(_line), key").collectAsList().stream()
                .map(r -> r.getString(0)).toList();
        List<String> fields = keys.stream().map(key -> "_m[" + SparkSql.literal(key) + "]").toList();
        return spark.sql("SELECT _line, " + String.join(", ", select(projection, keys, fields)) + " FROM _json WHERE "
                + "_m IS NOT NULL");
    }

    private Dataset<Row> readParquet(FileSpec file, Projection projection) {
        Dataset<Row> rows = spark.read().parquet(file.path().toString());
        List<String> columns = List.of(rows.columns());
        numbered(rows).createOrReplaceTempView("_pq");
        List<String> fields = columns.stream().map(c -> "CAST(" + SparkSql.identifier(c) + " AS STRING)").toList();
        return spark.sql("SELECT _n AS _line, " + String.join(", ", select(projection, columns, fields)) + " FROM _pq");
    }

    /** The select list (besides _line) of the file's columns, given as {@code fields}. */
    private static List<String> select(Projection projection, List<String> fileColumns, List<String> fields) {
        if (projection == null) {
            List<String> all = new ArrayList<>();
            for (int i = 0; i < fileColumns.size(); i++) {
                all.add(fields.get(i) + " AS " + SparkSql.identifier(fileColumns.get(i)));
            }
            return all;
        }
        return projection.select(fileColumns, fields);
    }

    /**
     * Moves the rows with a NUL byte in any value to the rejects (as SourceExtractor does): the first
     * such column is named and its value kept with each NUL shown as {@code \0}.
     */
    private Dataset<Row> rejectNulBytes(Dataset<Row> rows, String entity, String source) {
        List<String> columns = List.of(rows.columns()).stream().filter(c -> !c.equals("_line") && !c.equals("_source"))
                .toList();
        if (columns.isEmpty()) {
            return rows;
        }
        Dataset<Row> kept = rows.transform(scratch::keep);
        kept.createOrReplaceTempView("_read");
        StringBuilder column = new StringBuilder("CASE");
        StringBuilder value = new StringBuilder("CASE");
        for (String c : columns) {
            String when = " WHEN instr(" + SparkSql.identifier(c) + ", char(0)) > 0 THEN ";
            column.append(when).append(SparkSql.literal(c));
            value.append(when).append(SparkSql.identifier(c));
        }
        Dataset<Row> nul = spark.sql("SELECT _line, " + column + " END AS column_name, " + value + " END AS value FROM "
                + "_read WHERE " + column + " END IS NOT NULL").transform(scratch::keep);
        if (nul.isEmpty()) {
            return kept;
        }
        nul.createOrReplaceTempView("_nul");
        rejects.add(spark.sql("SELECT " + SparkSql.literal(entity) + " AS entity, " + SparkSql.literal(source)
                + " AS source, _line AS line, column_name, 'MALFORMED_ROW' AS reason_code, replace(value, char(0), "
                + "'\\\\0') AS value, 'a NUL byte in column ' || column_name || ' (a binary or corrupted file?)' AS "
                + "detail, CAST(NULL AS STRING) AS raw_text FROM _nul").transform(scratch::keep));
        return spark.sql("SELECT * FROM _read WHERE _line NOT IN (SELECT _line FROM _nul)");
    }

    /**
     * A mapping, run by DuckDB (its SQL dialect) over the raw tables Spark wrote, shaped as
     * SourceExtractor#extractMapped shapes it; the result is read back by Spark.
     */
    private Dataset<Row> mapped(SparkTables tables, EntityContract entity, SourceSpec source, LocalDate businessDate)
            throws SQLException {
        Path out;
        try {
            out = Files.createTempDirectory(tables.folder(), "_mapping_").resolve(entity.name() + ".parquet");
        } catch (IOException e) {
            throw new ExtractException("cannot create a folder under " + tables.folder() + ": " + e.getMessage(), e);
        }
        try (Connection db = Db.inMemory()) {
            for (String table : rawFileTables(tables)) {
                Db.execute(db, "CREATE VIEW " + table + " AS SELECT * FROM read_parquet("
                        + Sql.literal(tables.pathOf(table).resolve("*.parquet").toString()) + ")");
            }
            Db.execute(db, "CREATE TEMP TABLE " + SourceSpec.MAPPING_BUSINESS_DATE + " AS SELECT DATE "
                    + Sql.literal(businessDate.toString()) + " AS business_date");
            String query = "SELECT * FROM (\n" + source.mapping() + "\n)";
            List<String> produced;
            try {
                produced = Db.columnsOf(db, query);
            } catch (SQLException e) {
                throw new ExtractException("sources." + entity.name() + ".mapping does not run: " + e.getMessage(), e);
            }
            List<String> unknown = produced.stream().filter(c -> !c.equals("_line") && entity.column(c).isEmpty())
                    .toList();
            if (!unknown.isEmpty()) {
                throw new ExtractException("sources." + entity.name() + ".mapping returns column(s) " + unknown
                        + " that entity " + entity.name() + " does not have; its columns are " + entity.columnNames());
            }
            List<String> missingRequired = entity.columns().stream()
                    .filter(c -> c.required() && !produced.contains(c.name())).map(ColumnContract::name).toList();
            if (!missingRequired.isEmpty()) {
                throw new ExtractException("sources." + entity.name() + ".mapping must return required column(s) "
                        + missingRequired);
            }
            List<String> select = new ArrayList<>();
            select.add(produced.contains("_line") ? "_line::BIGINT AS _line" : "row_number() OVER () AS _line");
            select.add(Sql.literal(source.label()) + " AS _source");
            for (ColumnContract column : entity.columns()) {
                select.add(produced.contains(column.name()) ? "CAST(" + column.name() + " AS VARCHAR) AS "
                        + column.name() : "NULL::VARCHAR AS " + column.name());
            }
            Db.execute(db, "COPY (SELECT " + String.join(", ", select) + " FROM (\n" + source.mapping() + "\n)) TO "
                    + Sql.literal(out.toString()) + " (FORMAT parquet)");
        }
        return spark.read().parquet(out.toString()).transform(scratch::keep);
    }

    private static List<String> rawFileTables(SparkTables tables) {
        try (var listing = Files.list(tables.folder())) {
            return listing.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("rawfile_"))
                    .filter(tables::exists).sorted().toList();
        } catch (IOException e) {
            throw new ExtractException("cannot list " + tables.folder() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A file's columns onto an entity's, case-insensitively (absent ones NULL), as SourceExtractor's
     * projection maps them: other columns are recorded as unknown, missing required ones fail.
     */
    private final class Projection {
        private final EntityContract entity;
        private final String label;
        private final String where;
        private final List<String> present = new ArrayList<>();
        private final List<String> missingRequired = new ArrayList<>();

        Projection(EntityContract entity, String label, String where) {
            this.entity = entity;
            this.label = label;
            this.where = where;
        }

        List<String> select(List<String> fileColumns, List<String> fields) {
            present.addAll(fileColumns);
            Map<String, String> byLowerName = new LinkedHashMap<>();
            for (int i = 0; i < fileColumns.size(); i++) {
                String lower = fileColumns.get(i).trim().toLowerCase(Locale.ROOT);
                byLowerName.putIfAbsent(lower, fields.get(i));
                if (entity.column(lower).isEmpty() && !lower.equals("_line")) {
                    unknownColumns.add(RowFactory.create(entity.name(), label, fileColumns.get(i)));
                }
            }
            List<String> select = new ArrayList<>();
            select.add(SparkSql.literal(label) + " AS _source");
            for (ColumnContract column : entity.columns()) {
                String actual = byLowerName.get(column.name());
                if (actual == null && column.required()) {
                    missingRequired.add(column.name());
                }
                select.add((actual == null ? "CAST(NULL AS STRING)" : actual) + " AS " + column.name());
            }
            return select;
        }

        void checkRequired() {
            if (!missingRequired.isEmpty()) {
                throw new ExtractException(where + ": the header lacks required column(s) " + missingRequired
                        + " of entity " + entity.name() + "; the file's columns are " + present);
            }
        }
    }

}
