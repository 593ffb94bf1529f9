package org.crmwarehouse.spark.ingest;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.crmwarehouse.config.FileSpec;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.SourceSpec;
import org.crmwarehouse.contract.ColumnContract;
import org.crmwarehouse.contract.ColumnType;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.contract.EntityContract;
import org.crmwarehouse.spark.SparkTables;
import org.crmwarehouse.validate.AsOf;
import org.crmwarehouse.validate.ContractValidator;
import org.crmwarehouse.validate.ReasonCode;
import org.crmwarehouse.validate.SourceAudit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The validate step on Spark: the rules of {@link ContractValidator} (as_of set-aside, required,
 * type, allowed, range, future values, row rules, duplicate keys with the first line winning,
 * references, references to set-aside rows) as Spark SQL over the raw tables SparkSourceReader
 * wrote, producing the tables the DuckDB work database holds after its validate step. The
 * checks follow ContractValidator's SQL clause for clause; only the spellings differ (RLIKE for
 * regexp_full_match, TIMESTAMP_NTZ for DuckDB's TIMESTAMP, year() for the year-10000 bound).
 * Full sources only: SparkSourceReader refuses incremental ones.
 */
public final class SparkContractValidator {
    private static final Logger log = LoggerFactory.getLogger(SparkContractValidator.class);

    static final StructType QUARANTINE = new StructType().add("business_date", DataTypes.DateType)
            .add("entity", DataTypes.StringType).add("source", DataTypes.StringType).add("line", DataTypes.LongType)
            .add("column_name", DataTypes.StringType).add("reason_code", DataTypes.StringType)
            .add("value", DataTypes.StringType).add("detail", DataTypes.StringType).add("raw_text", DataTypes.StringType);
    static final StructType SET_ASIDE = new StructType().add("business_date", DataTypes.DateType)
            .add("entity", DataTypes.StringType).add("source", DataTypes.StringType).add("line", DataTypes.LongType)
            .add("column_name", DataTypes.StringType).add("reason", DataTypes.StringType)
            .add("value", DataTypes.StringType).add("detail", DataTypes.StringType).add("raw_text", DataTypes.StringType);
    private static final StructType KEYS = new StructType().add("entity", DataTypes.StringType)
            .add("key_value", DataTypes.StringType);
    private static final StructType ISSUES = new StructType().add("_row", DataTypes.LongType)
            .add("column_name", DataTypes.StringType).add("reason_code", DataTypes.StringType)
            .add("value", DataTypes.StringType).add("detail", DataTypes.StringType);
    private static final StructType LATER = new StructType().add("_row", DataTypes.LongType)
            .add("column_name", DataTypes.StringType).add("value", DataTypes.StringType)
            .add("detail", DataTypes.StringType);

    private final Contract contract;
    private SparkSession spark;
    private Scratch scratch;
    private Dataset<Row> quarantine;
    private Dataset<Row> setAside;
    private Dataset<Row> setAsideKeys;

    public SparkContractValidator(Contract contract) {
        this.contract = contract;
    }

    public List<SourceAudit> validate(SparkTables tables, JobConfig config, LocalDate businessDate) {
        spark = tables.spark();
        scratch = new Scratch(tables);
        tables.registerAll();
        String bd = date(businessDate);
        quarantine = spark.sql("SELECT " + bd + " AS business_date, entity, source, line, column_name, reason_code, "
                + "value, detail, raw_text FROM extract_rejects").transform(scratch::keep);
        setAside = spark.createDataFrame(List.of(), SET_ASIDE);
        setAsideKeys = spark.createDataFrame(List.of(), KEYS);
        setAsideKeys.createOrReplaceTempView(ContractValidatorNames.SET_ASIDE_KEYS);
        tables.write("run_funnel_stages", spark.createDataFrame(config.funnelStages().stages().stream()
                .map(s -> RowFactory.create(s.name(), s.order(), s.role().sqlName())).toList(), new StructType()
                .add("stage", DataTypes.StringType).add("stage_order", DataTypes.IntegerType)
                .add("role", DataTypes.StringType)));
        List<SourceAudit> audits = new ArrayList<>();
        List<String[]> pending = new ArrayList<>();
        for (EntityContract entity : contract.inReferenceOrder()) {
            long started = System.nanoTime();
            SourceSpec source = config.sources().get(entity.name());
            long aside = validateEntity(tables, entity, source, config, businessDate);
            if (source != null) {
                pending.add(new String[] {entity.name(), source.label(), Long.toString(aside)});
            }
            log.info("[validate:spark] {} ({} ms)", entity.name(), (System.nanoTime() - started) / 1_000_000);
        }
        tables.write("quarantine", quarantine);
        tables.write("quarantine_delta", spark.createDataFrame(List.of(), QUARANTINE));
        // no incremental source on Spark: tonight's quarantine is all of it, none is carried
        tables.write("quarantine_tonight", spark.table("quarantine"));
        tables.write("quarantine_carried", spark.createDataFrame(List.of(), QUARANTINE));
        tables.write(ContractValidator.SET_ASIDE, setAside);
        tables.write(ContractValidatorNames.SET_ASIDE_KEYS, setAsideKeys);
        SparkAudit auditor = new SparkAudit(spark);
        for (String[] p : pending) {
            SourceAudit audit = auditor.audit(p[0], p[1], Long.parseLong(p[2]));
            audits.add(audit);
            log.info("[validate:spark] {}: {} read, {} loaded, {} quarantined, {} set aside as later than {}",
                    audit.entity(), audit.rowsRead(), audit.rowsLoaded(), audit.rowsQuarantined(),
                    audit.rowsSetAside(), businessDate);
        }
        for (Map.Entry<String, FileSpec> raw : config.raw().entrySet()) {
            audits.add(auditor.audit("raw:" + raw.getKey(), raw.getValue().path().getFileName().toString(), 0));
        }
        List<Row> sources = new ArrayList<>();
        List<Row> asideLines = new ArrayList<>();
        for (SourceAudit a : audits) {
            sources.add(RowFactory.create(a.entity(), a.source(), a.rowsRead(), a.rowsLoaded(), a.rowsQuarantined(),
                    a.rowsSetAside(), a.physicalLines(), a.headerLines(), a.linesLoaded(), a.linesQuarantined(),
                    a.linesSetAsideTotal()));
            a.linesSetAside().forEach((reason, lines) -> asideLines.add(RowFactory.create(a.entity(), a.source(),
                    reason, lines)));
        }
        StructType auditSchema = new StructType().add("entity", DataTypes.StringType).add("source", DataTypes.StringType);
        for (String c : List.of("rows_read", "rows_loaded", "rows_quarantined", "rows_set_aside", "physical_lines",
                "header_lines", "lines_loaded", "lines_quarantined", "lines_set_aside")) {
            auditSchema = auditSchema.add(c, DataTypes.LongType);
        }
        tables.write("audit_sources", spark.createDataFrame(sources, auditSchema));
        tables.write(ContractValidator.AUDIT_SET_ASIDE_LINES, spark.createDataFrame(asideLines, new StructType()
                .add("entity", DataTypes.StringType).add("source", DataTypes.StringType)
                .add("reason", DataTypes.StringType).add("lines", DataTypes.LongType)));
        tables.materialize(ContractValidator.AUDIT_SET_ASIDE, "SELECT entity, source, reason, column_name, count(*) AS "
                + "rows FROM " + ContractValidator.SET_ASIDE + " GROUP BY entity, source, reason, column_name");
        scratch.clear();
        return audits;
    }

    /** Names ContractValidator keeps package-private. */
    static final class ContractValidatorNames {
        static final String SET_ASIDE_KEYS = "set_aside_keys";
    }

    private long validateEntity(SparkTables tables, EntityContract entity, SourceSpec source, JobConfig config,
            LocalDate businessDate) {
        String e = entity.name();
        FileSpec file = source == null || source.isMapped() ? null : source.file();
        buildTyped(entity, file, config.timeZone(), "raw_" + e);
        Checked checked = check(entity, config, businessDate, file);
        List<String> validColumns = new ArrayList<>(List.of("_source", "_line"));
        validColumns.addAll(entity.columnNames());
        String notFlagged = " WHERE _row NOT IN (SELECT _row FROM _issues UNION ALL SELECT _row FROM _later)";
        tables.materialize("valid_" + e, "SELECT " + String.join(", ", validColumns) + " FROM _typed" + notFlagged);
        String bd = date(businessDate);
        quarantine = quarantine.unionByName(spark.sql("SELECT " + bd + " AS business_date, " + SparkSql.literal(e)
                + " AS entity, t._source AS source, t._line AS line, i.column_name, i.reason_code, i.value, i.detail, "
                + "t._raw_text AS raw_text FROM _issues i JOIN _typed t USING (_row)")).transform(scratch::keep);
        setAside = setAside.unionByName(spark.sql("SELECT " + bd + " AS business_date, " + SparkSql.literal(e)
                + " AS entity, t._source AS source, t._line AS line, l.column_name, "
                + SparkSql.literal(AsOf.LATER_THAN_BUSINESS_DATE) + " AS reason, l.value, l.detail, t._raw_text AS "
                + "raw_text FROM _later l JOIN _typed t USING (_row)")).transform(scratch::keep);
        String key = ContractValidator.singleKeyColumn(entity);
        if (key != null) {
            setAsideKeys = setAsideKeys.unionByName(spark.sql("SELECT " + SparkSql.literal(e) + " AS entity, CAST("
                    + key + " AS STRING) AS key_value FROM _typed WHERE _row IN (SELECT _row FROM _later)"))
                    .transform(scratch::keep);
            setAsideKeys.createOrReplaceTempView(ContractValidatorNames.SET_ASIDE_KEYS);
        }
        return checked.later;
    }

    private record Checked(long later) {
    }

    /** {@code _typed}: per column its trimmed text and typed value, plus _source, _line, _row, _raw_text. */
    private void buildTyped(EntityContract entity, FileSpec file, ZoneId zone, String from) {
        String delimiter = file == null ? "|" : file.delimiter();
        List<String> typed = new ArrayList<>(List.of("_source", "_line", "monotonically_increasing_id() AS _row"));
        List<String> texts = new ArrayList<>();
        for (ColumnContract c : entity.columns()) {
            String text = "nullif(trim(" + c.name() + "), '')";
            typed.add(text + " AS " + c.name() + "__text");
            typed.add(typedExpression(c, text, file, zone) + " AS " + c.name());
            texts.add("coalesce(" + c.name() + ", '')");
        }
        typed.add("concat_ws(" + SparkSql.literal(delimiter) + ", " + String.join(", ", texts) + ") AS _raw_text");
        // checkpointed: _row must not be drawn again when the plan is recomputed
        spark.sql("SELECT " + String.join(", ", typed) + " FROM " + from).transform(scratch::keep)
                .createOrReplaceTempView("_typed");
    }

    /** ContractValidator#typedExpression in Spark's spelling. */
    static String typedExpression(ColumnContract c, String text, FileSpec file, ZoneId zone) {
        return switch (c.type()) {
            case VARCHAR -> text;
            case BIGINT -> "CASE WHEN " + SparkSql.fullMatch(text, ContractValidator.BIGINT_TEXT) + " THEN try_cast("
                    + text + " AS BIGINT) END";
            case DECIMAL -> "CASE WHEN " + SparkSql.fullMatch(text, ContractValidator.DECIMAL_TEXT) + " THEN try_cast("
                    + text + " AS DECIMAL(18,4)) END";
            case BOOLEAN -> "CASE WHEN lower(" + text + ") IN ('true', 't', '1', 'yes', 'y') THEN true "
                    + "WHEN lower(" + text + ") IN ('false', 'f', '0', 'no', 'n') THEN false END";
            case DATE -> file != null && file.dateFormat() != null
                    ? "CAST(" + strptime(text, file.dateFormat(), zone) + " AS DATE)"
                    : "CASE WHEN " + SparkSql.fullMatch(text, ContractValidator.DATE_TEXT) + " THEN try_cast(replace("
                            + text + ", '/', '-') AS DATE) ELSE CAST(" + timestamp(text, zone) + " AS DATE) END";
            case TIMESTAMP -> file != null && file.timestampFormat() != null
                    ? strptime(text, file.timestampFormat(), zone)
                    : timestamp(text, zone);
        };
    }

    /** Default notation as TIMESTAMP_NTZ (DuckDB's TIMESTAMP): plain, or with an offset converted to the zone. */
    private static String timestamp(String text, ZoneId zone) {
        return "CASE WHEN " + SparkSql.fullMatch(text, ContractValidator.TIMESTAMP_TEXT) + " THEN try_cast(replace("
                + text + ", '/', '-') AS TIMESTAMP_NTZ) WHEN " + SparkSql.fullMatch(text,
                ContractValidator.OFFSET_TIMESTAMP_TEXT) + " THEN " + inZone("try_cast(replace(" + text
                + ", '/', '-') AS TIMESTAMP)", zone) + " END";
    }

    /** An instant as the wall-clock time in the zone (the session time zone is UTC). */
    private static String inZone(String instant, ZoneId zone) {
        return "CAST(from_utc_timestamp(" + instant + ", " + SparkSql.literal(zone.getId()) + ") AS TIMESTAMP_NTZ)";
    }

    private static String strptime(String text, String format, ZoneId zone) {
        String parse = "try_to_timestamp(" + text + ", " + SparkSql.literal(javaPattern(format)) + ")";
        return format.contains("%z") || format.contains("%Z") ? inZone(parse, zone)
                : "CAST(" + parse + " AS TIMESTAMP_NTZ)";
    }

    /** A strptime format as a Java date-time pattern (the codes the configs use). */
    static String javaPattern(String format) {
        StringBuilder b = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char ch = format.charAt(i);
            if (ch != '%' || i + 1 == format.length()) {
                literal.append(ch);
                continue;
            }
            if (literal.length() > 0) {
                b.append(quoteLiteral(literal.toString()));
                literal.setLength(0);
            }
            char code = format.charAt(++i);
            b.append(switch (code) {
                case 'Y' -> "yyyy";
                case 'y' -> "yy";
                case 'm' -> "M";
                case 'd' -> "d";
                case 'H' -> "H";
                case 'I' -> "h";
                case 'M' -> "m";
                case 'S' -> "s";
                case 'f' -> "SSSSSS";
                case 'p' -> "a";
                case 'b' -> "MMM";
                case 'B' -> "MMMM";
                case 'z' -> "XXX";
                case '%' -> "'%'";
                default -> throw new IllegalArgumentException("strptime code %" + code + " in '" + format
                        + "' is not supported on the Spark engine");
            });
        }
        if (literal.length() > 0) {
            b.append(quoteLiteral(literal.toString()));
        }
        return b.toString();
    }

    private static String quoteLiteral(String text) {
        return text.chars().allMatch(ch -> " -/:.,T".indexOf(ch) >= 0 && ch != 'T') ? text
                : "'" + text.replace("'", "''") + "'";
    }

    private Checked check(EntityContract entity, JobConfig config, LocalDate businessDate, FileSpec file) {
        String e = entity.name();
        Dataset<Row> later = spark.createDataFrame(List.of(), LATER);
        later.createOrReplaceTempView("_later");
        for (ColumnContract c : entity.columns()) {
            if (c.asOf()) {
                later = later.unionByName(spark.sql("SELECT _row, " + SparkSql.literal(c.name()) + " AS column_name, "
                        + c.name() + "__text AS value, " + SparkSql.literal("later than business date " + businessDate)
                        + " AS detail FROM _typed WHERE " + later(c, c.name(), businessDate) + " AND year(" + c.name()
                        + ") < 10000 AND _row NOT IN (SELECT _row FROM _later)")).transform(scratch::keep);
                later.createOrReplaceTempView("_later");
            }
        }
        String notSetAside = " AND _row NOT IN (SELECT _row FROM _later)";
        List<String> columnChecks = new ArrayList<>();
        for (ColumnContract c : entity.columns()) {
            columnChecks.addAll(columnChecks(ContractValidator.withConfiguredStages(e, c, config), businessDate,
                    config.earliestDate(), file));
        }
        Dataset<Row> issues = spark.createDataFrame(List.of(), ISSUES);
        if (!columnChecks.isEmpty()) {
            issues = spark.sql("SELECT * FROM (" + String.join("\nUNION ALL\n", columnChecks) + ") WHERE true"
                    + notSetAside).transform(scratch::keep);
        }
        issues.createOrReplaceTempView("_issues");
        for (EntityContract.RowRule rule : entity.rowRules()) {
            issues = issues.unionByName(spark.sql("SELECT _row, " + SparkSql.literal(rule.column()) + " AS column_name, "
                    + SparkSql.literal(ReasonCode.valueOf(rule.reason()).name()) + " AS reason_code, " + rule.column()
                    + "__text AS value, " + SparkSql.literal(rule.detail()) + " AS detail FROM _typed WHERE _row NOT IN "
                    + "(SELECT _row FROM _issues) AND (" + rule.invalidWhen() + ")")).transform(scratch::keep);
            issues.createOrReplaceTempView("_issues");
        }
        List<ColumnContract> key = entity.keyColumns();
        if (!key.isEmpty()) {
            String keyList = key.stream().map(ColumnContract::name).collect(Collectors.joining(", "));
            String keyText = key.stream().map(c -> "CAST(" + c.name() + " AS STRING)")
                    .collect(Collectors.joining(" || ', ' || "));
            issues = issues.unionByName(spark.sql("SELECT _row, " + SparkSql.literal(keyList) + " AS column_name, "
                    + "'DUPLICATE_KEY' AS reason_code, " + keyText + " AS value, 'key already on line ' || first_line AS "
                    + "detail FROM (SELECT _row, _line, " + keyList + ", min(_line) OVER (PARTITION BY " + keyList
                    + ") AS first_line, row_number() OVER (PARTITION BY " + keyList + " ORDER BY _line, _row) AS "
                    + "occurrence FROM _typed WHERE _row NOT IN (SELECT _row FROM _issues)" + notSetAside
                    + ") WHERE occurrence > 1")).transform(scratch::keep);
            issues.createOrReplaceTempView("_issues");
        }
        List<ColumnContract> references = entity.columns().stream().filter(c -> c.references() != null
                && (c.references().entity().equals(e) || config.sources().containsKey(c.references().entity())))
                .toList();
        long before = -1;
        long count = later.count();
        while (before != count) {
            before = count;
            for (ColumnContract c : references) {
                String keys = setAsideKeys(entity, c);
                if (keys == null) {
                    continue;
                }
                validKeys(e, c).createOrReplaceTempView("_valid_keys");
                spark.sql(keys).transform(scratch::keep).createOrReplaceTempView("_aside_keys");
                later = later.unionByName(spark.sql("SELECT _row, " + SparkSql.literal(c.name()) + " AS column_name, "
                        + "CAST(" + c.name() + " AS STRING) AS value, " + SparkSql.literal("references "
                        + c.references() + " set aside as later than business date " + businessDate) + " AS detail "
                        + "FROM _typed t WHERE " + c.name() + " IS NOT NULL AND _row NOT IN (SELECT _row FROM _issues)"
                        + notSetAside + " AND NOT EXISTS (SELECT 1 FROM _valid_keys k WHERE k.v = t." + c.name()
                        + ") AND EXISTS (SELECT 1 FROM _aside_keys k WHERE k.v = t." + c.name() + ")"))
                        .transform(scratch::keep);
                later.createOrReplaceTempView("_later");
            }
            count = later.count();
        }
        for (ColumnContract c : references) {
            validKeys(e, c).createOrReplaceTempView("_valid_keys");
            issues = issues.unionByName(spark.sql("SELECT _row, " + SparkSql.literal(c.name()) + " AS column_name, "
                    + "'UNKNOWN_REFERENCE' AS reason_code, CAST(" + c.name() + " AS STRING) AS value, "
                    + SparkSql.literal("no " + c.references() + " with this value") + " AS detail FROM _typed t WHERE "
                    + c.name() + " IS NOT NULL AND _row NOT IN (SELECT _row FROM _issues)" + notSetAside
                    + " AND NOT EXISTS (SELECT 1 FROM _valid_keys k WHERE k.v = t." + c.name() + ")"))
                    .transform(scratch::keep);
            issues.createOrReplaceTempView("_issues");
        }
        return new Checked(count);
    }

    /** The values a reference may point at (checkpointed: a self-reference reads the views being rebuilt). */
    private Dataset<Row> validKeys(String e, ColumnContract c) {
        String sql = c.references().entity().equals(e)
                ? "SELECT DISTINCT " + c.references().column() + " AS v FROM _typed WHERE _row NOT IN (SELECT _row FROM "
                        + "_issues) AND _row NOT IN (SELECT _row FROM _later)"
                : "SELECT DISTINCT " + c.references().column() + " AS v FROM valid_" + c.references().entity();
        return spark.sql(sql).transform(scratch::keep);
    }

    private static String setAsideKeys(EntityContract entity, ColumnContract c) {
        if (c.references().entity().equals(entity.name())) {
            return c.references().column().equals(ContractValidator.singleKeyColumn(entity))
                    ? "SELECT CAST(" + c.references().column() + " AS STRING) AS v FROM _typed WHERE _row IN (SELECT "
                            + "_row FROM _later)"
                    : null;
        }
        return "SELECT key_value AS v FROM " + ContractValidatorNames.SET_ASIDE_KEYS + " WHERE entity = "
                + SparkSql.literal(c.references().entity());
    }

    private static String later(ColumnContract c, String column, LocalDate businessDate) {
        return c.type() == ColumnType.DATE
                ? column + " > DATE '" + businessDate + "'"
                : column + " >= TIMESTAMP_NTZ '" + businessDate.plusDays(1) + " 00:00:00'";
    }

    /** ContractValidator#columnChecks in Spark's spelling. */
    static List<String> columnChecks(ColumnContract c, LocalDate businessDate, LocalDate earliestDate, FileSpec file) {
        List<String> checks = new ArrayList<>();
        String n = c.name();
        String textColumn = n + "__text";
        String select = "SELECT _row, " + SparkSql.literal(n) + " AS column_name, ";
        if (c.required()) {
            checks.add(select + "'MISSING_REQUIRED' AS reason_code, CAST(NULL AS STRING) AS value, "
                    + "'required value is blank' AS detail FROM _typed WHERE " + textColumn + " IS NULL");
        }
        if (c.type() != ColumnType.VARCHAR) {
            String expected = c.type().name().toLowerCase(Locale.ROOT);
            if (file != null && c.type() == ColumnType.DATE && file.dateFormat() != null) {
                expected += " in format " + file.dateFormat();
            } else if (file != null && c.type() == ColumnType.TIMESTAMP && file.timestampFormat() != null) {
                expected += " in format " + file.timestampFormat();
            }
            String detail = SparkSql.literal("not a valid " + expected);
            if (c.type() == ColumnType.DECIMAL) {
                detail = "CASE WHEN " + SparkSql.fullMatch(textColumn, "[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)[eE][+-]?[0-9]+")
                        + " THEN " + SparkSql.literal("not a valid " + expected + ": exponent notation, write the number out")
                        + " WHEN " + SparkSql.fullMatch(textColumn, "[+-]?[0-9]*\\.[0-9]{4}[0-9]*[1-9]0*") + " THEN "
                        + SparkSql.literal("not a valid " + expected + ": more than 4 decimals") + " ELSE " + detail + " END";
            }
            checks.add(select + "'BAD_TYPE' AS reason_code, " + textColumn + " AS value, " + detail
                    + " AS detail FROM _typed WHERE " + textColumn + " IS NOT NULL AND " + n + " IS NULL");
        }
        if (c.type().isTemporal()) {
            checks.add(select + "'OUT_OF_RANGE' AS reason_code, " + textColumn + " AS value, "
                    + SparkSql.literal("outside [" + earliestDate + ", 9999-12-31]") + " AS detail FROM _typed WHERE "
                    + n + " < " + date(earliestDate) + " OR year(" + n + ") >= 10000");
        }
        if (!c.allowed().isEmpty()) {
            String list = c.allowed().stream().map(SparkSql::literal).collect(Collectors.joining(", "));
            checks.add(select + "'NOT_ALLOWED' AS reason_code, " + textColumn + " AS value, "
                    + SparkSql.literal("allowed: " + c.allowed()) + " AS detail FROM _typed WHERE " + n
                    + " IS NOT NULL AND " + n + " NOT IN (" + list + ")");
        }
        if (c.min() != null || c.max() != null) {
            List<String> bounds = new ArrayList<>();
            if (c.min() != null) {
                bounds.add(n + " < " + c.min().toPlainString());
            }
            if (c.max() != null) {
                bounds.add(n + " > " + c.max().toPlainString());
            }
            String range = "[" + (c.min() == null ? "" : c.min().toPlainString()) + ", "
                    + (c.max() == null ? "" : c.max().toPlainString()) + "]";
            checks.add(select + "'OUT_OF_RANGE' AS reason_code, " + textColumn + " AS value, "
                    + SparkSql.literal("outside " + range) + " AS detail FROM _typed WHERE " + String.join(" OR ", bounds));
        }
        if (c.notFuture() && c.type().isTemporal()) {
            checks.add(select + "'FUTURE_DATE' AS reason_code, " + textColumn + " AS value, "
                    + SparkSql.literal("after business date " + businessDate) + " AS detail FROM _typed WHERE "
                    + later(c, n, businessDate) + " AND year(" + n + ") < 10000");
        }
        return checks;
    }

    static String date(LocalDate date) {
        return "DATE " + SparkSql.literal(date.toString());
    }

    /** ContractValidator#audit and #withLines over the Spark tables. */
    static final class SparkAudit {
        private final SparkSession spark;

        SparkAudit(SparkSession spark) {
            this.spark = spark;
        }

        private long count(String sql) {
            Row r = spark.sql(sql).first();
            return r.isNullAt(0) ? 0 : ((Number) r.get(0)).longValue();
        }

        SourceAudit audit(String entity, String source, long setAside) {
            String en = SparkSql.literal(entity);
            long malformed = count("SELECT count(DISTINCT line) FROM extract_rejects WHERE entity = " + en);
            if (entity.startsWith("raw:")) {
                String table = "rawfile_" + entity.substring(4);
                long rows = count("SELECT count(*) FROM " + table);
                return withLines(new SourceAudit(entity, source, rows + malformed, rows, malformed),
                        "SELECT _line FROM " + table, "SELECT line FROM extract_rejects WHERE entity = " + en, null);
            }
            long raw = count("SELECT count(*) FROM raw_" + entity);
            long loaded = count("SELECT count(*) FROM valid_" + entity);
            boolean unique = count("SELECT count(*) - count(DISTINCT _line) FROM raw_" + entity) == 0;
            long quarantined = unique
                    ? malformed + count("SELECT count(DISTINCT line) FROM quarantine WHERE entity = " + en
                            + " AND reason_code <> 'MALFORMED_ROW'")
                    : malformed + raw - loaded - setAside;
            SourceAudit audit = withLines(new SourceAudit(entity, source, raw + malformed, loaded, quarantined,
                    setAside == 0 ? Map.of() : Map.of(AsOf.LATER_THAN_BUSINESS_DATE, setAside)),
                    "SELECT _line FROM valid_" + entity, "SELECT line FROM quarantine WHERE entity = " + en,
                    "SELECT line FROM " + ContractValidator.SET_ASIDE + " WHERE entity = " + en);
            if (!audit.reconciles()) {
                throw new IllegalStateException("row accounting does not reconcile for " + entity + ": read "
                        + audit.rowsRead() + " but loaded " + audit.rowsLoaded() + " + quarantined "
                        + audit.rowsQuarantined() + " + set aside " + audit.rowsSetAside());
            }
            if (!audit.linesReconcile()) {
                log.warn("[validate:spark] line accounting does not reconcile for {}: {} physical lines, but {} header + "
                        + "{} loaded + {} quarantined + {} set aside", entity, audit.physicalLines(), audit.headerLines(),
                        audit.linesLoaded(), audit.linesQuarantined(), audit.linesSetAside());
            }
            return audit;
        }

        private SourceAudit withLines(SourceAudit rows, String loadedLines, String quarantinedLines,
                String setAsideLines) {
            String e = SparkSql.literal(rows.entity());
            if (count("SELECT count(*) FROM extract_lines WHERE entity = " + e) == 0) {
                return rows;
            }
            long physical = count("SELECT sum(physical_lines) FROM extract_lines WHERE entity = " + e);
            long header = count("SELECT sum(header_lines) FROM extract_lines WHERE entity = " + e);
            long blank = count("SELECT sum(blank_lines) FROM extract_lines WHERE entity = " + e);
            String extra = "SELECT coalesce(sum(lines - 1), 0) FROM extract_multiline WHERE entity = " + e
                    + " AND line IN (";
            long loaded = rows.rowsLoaded() + count(extra + loadedLines + ")");
            long quarantined = rows.rowsQuarantined() + count(extra + quarantinedLines + ")");
            Map<String, Long> aside = new TreeMap<>();
            if (blank > 0) {
                aside.put(SourceAudit.BLANK_LINE, blank);
            }
            if (setAsideLines != null && rows.rowsSetAside() > 0) {
                aside.put(AsOf.LATER_THAN_BUSINESS_DATE, rows.rowsSetAside() + count(extra + setAsideLines + ")"));
            }
            return new SourceAudit(rows.entity(), rows.source(), rows.rowsRead(), rows.rowsLoaded(),
                    rows.rowsQuarantined(), rows.setAside(), physical, header, loaded, quarantined, aside);
        }
    }
}
