package org.crmwarehouse.validate;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.crmwarehouse.config.FileSpec;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.SourceSpec;
import org.crmwarehouse.contract.ColumnContract;
import org.crmwarehouse.contract.ColumnType;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.contract.EntityContract;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The validate step: checks every {@code raw_<entity>} row against the contract, types the good
 * rows into {@code valid_<entity>} and puts every other row, with each reason, into
 * {@code quarantine}. All checks are generated SQL run by DuckDB over the whole table at once.
 *
 * <p>First, rows later than the business date (an {@code as_of} column after it, {@link AsOf}) are
 * set aside into {@code set_aside}: not yet known on this night, so neither loaded nor quarantined
 * nor counted against the reject threshold, whatever else is wrong with them (the night of their
 * date checks them). Then column rules (required, type, allowed, range, future values), duplicate
 * keys among the rows that passed them (first line wins), and references against the valid rows
 * of the referenced entity; a reference to a row that was set aside sets the referencing row
 * aside too (it loads on the night its parent does, instead of being quarantined as
 * UNKNOWN_REFERENCE). A row that fails any check is quarantined whole.
 *
 * <p>An incremental source is validated by its delta instead ({@link IncrementalValidation}), with
 * the same checks ({@link #buildTyped}, {@link #check}) over the rows whose outcome may change.
 */
public final class ContractValidator {
    private static final Logger log = LoggerFactory.getLogger(ContractValidator.class);

    /** Rows set aside from what tonight read: one row per row, with the column and reason that decided it. */
    public static final String SET_ASIDE = "set_aside";
    /** Key values of the rows now set aside, per entity: references to them set the referencing row aside. */
    static final String SET_ASIDE_KEYS = "set_aside_keys";
    /** Set-aside rows per source, reason and column, for the run report. */
    public static final String AUDIT_SET_ASIDE = "audit_set_aside";
    /** Lines set aside per source and reason (blank lines; the lines of the records set aside). */
    public static final String AUDIT_SET_ASIDE_LINES = "audit_set_aside_lines";

    private final Contract contract;

    public ContractValidator(Contract contract) {
        this.contract = contract;
    }

    public List<SourceAudit> validate(Connection db, JobConfig config, LocalDate businessDate) throws SQLException {
        Db.execute(db, "CREATE OR REPLACE TABLE quarantine (business_date DATE, entity VARCHAR, source VARCHAR, "
                + "line BIGINT, column_name VARCHAR, reason_code VARCHAR, value VARCHAR, detail VARCHAR, raw_text VARCHAR)");
        Db.execute(db, "INSERT INTO quarantine SELECT " + date(businessDate) + ", entity, source, line, column_name, "
                + "reason_code, value, detail, raw_text FROM extract_rejects");
        // an incremental source's quarantine is its whole current one; the rows of tonight's delta
        // among them go here too, for the threshold message and the run report
        Db.execute(db, "CREATE OR REPLACE TABLE quarantine_delta AS SELECT * FROM quarantine LIMIT 0");
        writeFunnelStages(db, config);
        // rows set aside from what tonight read, and the key values of every row now set aside
        // (which references look up)
        Db.execute(db, "CREATE OR REPLACE TABLE " + SET_ASIDE + " (business_date DATE, entity VARCHAR, source VARCHAR, "
                + "line BIGINT, column_name VARCHAR, reason VARCHAR, value VARCHAR, detail VARCHAR, raw_text VARCHAR)");
        Db.execute(db, "CREATE OR REPLACE TABLE " + SET_ASIDE_KEYS + " (entity VARCHAR, key_value VARCHAR)");
        List<SourceAudit> audits = new ArrayList<>();
        for (EntityContract entity : contract.inReferenceOrder()) {
            long started = System.nanoTime();
            SourceSpec source = config.sources().get(entity.name());
            if (source != null && source.isIncremental()) {
                audits.add(new IncrementalValidation(db, entity, source, config, businessDate).run());
                continue;
            }
            long setAside = validateEntity(db, entity, source, config, businessDate);
            if (source != null) {
                SourceAudit audit = audit(db, entity.name(), source.label(), setAside);
                audits.add(audit);
                log.info("[validate] {}: {} read, {} loaded, {} quarantined, {} set aside as later than {} ({} ms)",
                        entity.name(), audit.rowsRead(), audit.rowsLoaded(), audit.rowsQuarantined(), setAside,
                        businessDate, (System.nanoTime() - started) / 1_000_000);
            }
        }
        if (Db.queryLong(db, "SELECT count(*) FROM duckdb_databases() WHERE database_name = "
                + Sql.literal(org.crmwarehouse.extract.IncrementalExtractor.STATE)) > 0) {
            Db.execute(db, "DETACH " + org.crmwarehouse.extract.IncrementalExtractor.STATE);
        }
        createTonightViews(db, config);
        for (String rawFile : config.raw().keySet()) {
            audits.add(audit(db, "raw:" + rawFile, config.raw().get(rawFile).path().getFileName().toString(), 0));
        }
        Db.execute(db, "CREATE OR REPLACE TABLE audit_sources (entity VARCHAR, source VARCHAR, rows_read BIGINT, "
                + "rows_loaded BIGINT, rows_quarantined BIGINT, rows_set_aside BIGINT, physical_lines BIGINT, "
                + "header_lines BIGINT, lines_loaded BIGINT, lines_quarantined BIGINT, lines_set_aside BIGINT)");
        // lines set aside per source and reason: blank lines, and the lines of records set aside
        Db.execute(db, "CREATE OR REPLACE TABLE " + AUDIT_SET_ASIDE_LINES + " (entity VARCHAR, source VARCHAR, "
                + "reason VARCHAR, lines BIGINT)");
        for (SourceAudit a : audits) {
            String key = Sql.literal(a.entity()) + ", " + Sql.literal(a.source());
            Db.execute(db, "INSERT INTO audit_sources VALUES (" + key + ", " + a.rowsRead() + ", " + a.rowsLoaded() + ", "
                    + a.rowsQuarantined() + ", " + a.rowsSetAside() + ", " + a.physicalLines() + ", " + a.headerLines()
                    + ", " + a.linesLoaded() + ", " + a.linesQuarantined() + ", " + a.linesSetAsideTotal() + ")");
            for (Map.Entry<String, Long> aside : a.linesSetAside().entrySet()) {
                Db.execute(db, "INSERT INTO " + AUDIT_SET_ASIDE_LINES + " VALUES (" + key + ", "
                        + Sql.literal(aside.getKey()) + ", " + aside.getValue() + ")");
            }
        }
        // the set-aside rows per source, reason and column (the run report lists them)
        Db.execute(db, "CREATE OR REPLACE TABLE " + AUDIT_SET_ASIDE + " AS SELECT entity, source, reason, column_name, "
                + "count(*) AS rows FROM " + SET_ASIDE + " GROUP BY ALL ORDER BY ALL");
        return audits;
    }

    /** Validates a full source (or an absent one: empty tables); returns the rows set aside. */
    private long validateEntity(Connection db, EntityContract entity, SourceSpec source, JobConfig config,
            LocalDate businessDate) throws SQLException {
        String e = entity.name();
        FileSpec file = fileOf(source);
        buildTyped(db, entity, file, config.timeZone(), "raw_" + e, "row_number() OVER ()", false);
        check(db, entity, config, businessDate, file, null);
        List<String> validColumns = new ArrayList<>(List.of("_source", "_line"));
        validColumns.addAll(entity.columnNames());
        Db.dropTableOrView(db, "valid_" + e); // a view if an earlier run of the night read it incrementally
        Db.execute(db, "CREATE TABLE valid_" + e + " AS SELECT " + String.join(", ", validColumns)
                + " FROM _typed WHERE _row NOT IN (SELECT _row FROM _issues UNION ALL SELECT _row FROM _later)");
        Db.execute(db, "INSERT INTO quarantine SELECT " + date(businessDate) + ", " + Sql.literal(e)
                + ", t._source, t._line, i.column_name, i.reason_code, i.value, i.detail, t._raw_text "
                + "FROM _issues i JOIN _typed t USING (_row) ORDER BY t._line, i.column_name");
        Db.execute(db, "INSERT INTO " + SET_ASIDE + " SELECT " + date(businessDate) + ", " + Sql.literal(e)
                + ", t._source, t._line, l.column_name, " + Sql.literal(AsOf.LATER_THAN_BUSINESS_DATE) + ", l.value, "
                + "l.detail, t._raw_text FROM _later l JOIN _typed t USING (_row) ORDER BY t._line");
        String key = singleKeyColumn(entity);
        if (key != null) {
            Db.execute(db, "INSERT INTO " + SET_ASIDE_KEYS + " SELECT " + Sql.literal(e) + ", CAST(" + key
                    + " AS VARCHAR) FROM _typed WHERE _row IN (SELECT _row FROM _later)");
        }
        long setAside = Db.queryLong(db, "SELECT count(*) FROM _later");
        dropTyped(db);
        Db.execute(db, "DROP TABLE _issues; DROP TABLE _later");
        return setAside;
    }

    /** The entity's key column when its key is one column (what references point at), else null. */
    public static String singleKeyColumn(EntityContract entity) {
        List<ColumnContract> key = entity.keyColumns();
        return key.size() == 1 ? key.get(0).name() : null;
    }

    /**
     * {@code quarantine_tonight}: the rows quarantined from what tonight read (all of a full
     * source's, the delta's of an incremental one), which the audit counts; {@code
     * quarantine_carried}: the other rows of incremental sources' current quarantine (still
     * invalid from an earlier night, or invalid now that a parent left).
     */
    private static void createTonightViews(Connection db, JobConfig config) throws SQLException {
        List<String> incremental = config.sources().entrySet().stream().filter(s -> s.getValue().isIncremental())
                .map(s -> Sql.literal(s.getKey())).sorted().toList();
        String inIncremental = incremental.isEmpty() ? "FALSE" : "entity IN (" + String.join(", ", incremental) + ")";
        Db.execute(db, "CREATE OR REPLACE VIEW quarantine_tonight AS SELECT * FROM quarantine WHERE NOT ("
                + inIncremental + ") UNION ALL SELECT * FROM quarantine_delta");
        Db.execute(db, "CREATE OR REPLACE VIEW quarantine_carried AS SELECT * FROM quarantine q WHERE " + inIncremental
                + " AND NOT EXISTS (SELECT 1 FROM quarantine_delta d WHERE d.entity = q.entity AND d.source = q.source "
                + "AND d.line = q.line)");
    }

    /**
     * {@code run_funnel_stages}: the job's pipeline stages (stage, stage_order, role), what
     * funnel_events.event_type was validated against; the models count events by role from it.
     */
    public static void writeFunnelStages(Connection db, JobConfig config) throws SQLException {
        Db.execute(db, "CREATE OR REPLACE TABLE run_funnel_stages (stage VARCHAR, stage_order INTEGER, role VARCHAR)");
        Db.execute(db, "INSERT INTO run_funnel_stages VALUES " + config.funnelStages().stages().stream()
                .map(s -> "(" + Sql.literal(s.name()) + ", " + s.order() + ", " + Sql.literal(s.role().sqlName()) + ")")
                .collect(Collectors.joining(", ")));
    }

    /** funnel_events.event_type accepts exactly the job's funnel_stages (the contract lists the default ones). */
    public static ColumnContract withConfiguredStages(String entity, ColumnContract c, JobConfig config) {
        if (!entity.equals("funnel_events") || !c.name().equals("event_type")) {
            return c;
        }
        return new ColumnContract(c.name(), c.type(), c.required(), c.key(), config.funnelStages().names(), c.min(),
                c.max(), c.notFuture(), c.asOf(), c.references(), c.description());
    }

    static FileSpec fileOf(SourceSpec source) {
        return source == null || source.isMapped() ? null : source.file();
    }

    /**
     * Types the rows of {@code from} into the temp view {@code _typed} (over the temp table
     * {@code _typed_rows}): per contract column its trimmed text ({@code <name>__text}) and typed
     * value, plus {@code _source}, {@code _line}, {@code _row} (by the given expression),
     * {@code _raw_text} and, when asked, {@code _key}. Drop them with {@link #dropTyped}.
     */
    static void buildTyped(Connection db, EntityContract entity, FileSpec file, ZoneId zone, String from,
            String rowNumber, boolean withKey) throws SQLException {
        String delimiter = file == null ? "|" : file.delimiter();
        List<String> typed = new ArrayList<>(List.of("_source", "_line", rowNumber + " AS _row"));
        if (withKey) {
            typed.add("_key");
        }
        List<String> texts = new ArrayList<>();
        List<String> textAliases = new ArrayList<>();
        for (ColumnContract c : entity.columns()) {
            String text = "nullif(trim(" + c.name() + "), '')";
            String value = typedExpression(c, text, file, zone);
            if (value.equals(text)) {
                // a text column's value is its text: stored once, the __text name is the view's alias
                textAliases.add(c.name() + " AS " + c.name() + "__text");
            } else {
                typed.add(text + " AS " + c.name() + "__text");
            }
            typed.add(value + " AS " + c.name());
            texts.add("coalesce(" + c.name() + ", '')");
        }
        typed.add("concat_ws(" + Sql.literal(delimiter) + ", " + String.join(", ", texts) + ") AS _raw_text");
        Db.execute(db, "CREATE OR REPLACE TEMP TABLE " + TYPED_ROWS + " AS SELECT " + String.join(", ", typed)
                + " FROM " + from);
        Db.execute(db, "CREATE OR REPLACE TEMP VIEW _typed AS SELECT *" + textAliases.stream().map(a -> ", " + a)
                .collect(Collectors.joining()) + " FROM " + TYPED_ROWS);
    }

    /** The table behind the view {@code _typed} (see {@link #buildTyped}). */
    private static final String TYPED_ROWS = "_typed_rows";

    /** Drops what {@link #buildTyped} created. */
    static void dropTyped(Connection db) throws SQLException {
        Db.execute(db, "DROP VIEW _typed; DROP TABLE " + TYPED_ROWS);
    }

    /**
     * Runs the contract checks over {@code _typed} into the temp table {@code _issues}: column
     * rules, then duplicate keys among the rows that passed them, then references against
     * {@code valid_<target>}. {@code selfOutside}, when not null, is a query of further rows'
     * key values a self-reference may point at (the validated rows not being checked now).
     */
    static void check(Connection db, EntityContract entity, JobConfig config, LocalDate businessDate, FileSpec file,
            String selfOutside) throws SQLException {
        String e = entity.name();
        Db.execute(db, "CREATE OR REPLACE TEMP TABLE _issues (_row BIGINT, column_name VARCHAR, reason_code VARCHAR, "
                + "value VARCHAR, detail VARCHAR)");
        // one row per set-aside row, with the column that decided it
        Db.execute(db, "CREATE OR REPLACE TEMP TABLE _later (_row BIGINT, column_name VARCHAR, value VARCHAR, "
                + "detail VARCHAR)");
        for (ColumnContract c : entity.columns()) {
            if (c.asOf()) {
                Db.execute(db, "INSERT INTO _later SELECT _row, " + Sql.literal(c.name()) + ", " + c.name() + "__text, "
                        + Sql.literal("later than business date " + businessDate) + " FROM _typed WHERE "
                        + AsOf.later(c, c.name(), businessDate) + " AND " + c.name() + " < " + AFTER_LAST_DATE
                        + " AND _row NOT IN (SELECT _row FROM _later)"); // year 10000 and later is OUT_OF_RANGE
            }
        }
        String notSetAside = " AND _row NOT IN (SELECT _row FROM _later)";
        List<String> columnChecks = new ArrayList<>();
        for (ColumnContract c : entity.columns()) {
            columnChecks.addAll(columnChecks(withConfiguredStages(e, c, config), businessDate, config.earliestDate(), file));
        }
        if (!columnChecks.isEmpty()) {
            Db.execute(db, "INSERT INTO _issues SELECT * FROM (" + String.join("\nUNION ALL\n", columnChecks)
                    + ") WHERE true" + notSetAside);
        }
        // rules over several columns judge only rows whose values are all valid on their own
        for (EntityContract.RowRule rule : entity.rowRules()) {
            Db.execute(db, "INSERT INTO _issues SELECT _row, " + Sql.literal(rule.column()) + ", "
                    + Sql.literal(ReasonCode.valueOf(rule.reason()).name()) + ", " + rule.column() + "__text, "
                    + Sql.literal(rule.detail()) + " FROM _typed WHERE _row NOT IN (SELECT _row FROM _issues) AND ("
                    + rule.invalidWhen() + ")");
        }

        List<ColumnContract> key = entity.keyColumns();
        if (!key.isEmpty()) {
            String keyList = key.stream().map(ColumnContract::name).collect(Collectors.joining(", "));
            String keyText = key.stream().map(c -> "CAST(" + c.name() + " AS VARCHAR)")
                    .collect(Collectors.joining(" || ', ' || "));
            Db.execute(db, "INSERT INTO _issues SELECT _row, " + Sql.literal(keyList) + ", 'DUPLICATE_KEY', "
                    + keyText + ", 'key already on line ' || first_line FROM (SELECT _row, _line, " + keyList
                    + ", min(_line) OVER (PARTITION BY " + keyList + ") AS first_line, row_number() OVER (PARTITION BY "
                    + keyList + " ORDER BY _line, _row) AS occurrence FROM _typed WHERE _row NOT IN (SELECT _row FROM _issues)"
                    + notSetAside + ") WHERE occurrence > 1");
        }

        List<ColumnContract> references = entity.columns().stream().filter(c -> c.references() != null
                && (c.references().entity().equals(e) || config.sources().containsKey(c.references().entity())))
                .toList(); // a referenced entity that is not part of this job: nothing to check against
        // references to set-aside rows first (all columns), so such a row is set aside, not quarantined;
        // repeated while a self-reference finds rows set aside in the round before
        long before = -1;
        while (before != Db.queryLong(db, "SELECT count(*) FROM _later")) {
            before = Db.queryLong(db, "SELECT count(*) FROM _later");
            for (ColumnContract c : references) {
                String setAsideKeys = setAsideKeys(entity, c);
                if (setAsideKeys == null) {
                    continue;
                }
                Db.execute(db, "INSERT INTO _later SELECT _row, " + Sql.literal(c.name()) + ", " + c.name() + ", "
                        + Sql.literal("references " + c.references() + " set aside as later than business date "
                                + businessDate) + " FROM _typed t WHERE " + c.name() + " IS NOT NULL AND _row NOT IN "
                        + "(SELECT _row FROM _issues)" + notSetAside + " AND NOT EXISTS (SELECT 1 FROM "
                        + validKeys(e, c, selfOutside) + " k(v) WHERE k.v = t." + c.name() + ") AND EXISTS (SELECT 1 FROM "
                        + setAsideKeys + " k(v) WHERE k.v = t." + c.name() + ")");
            }
        }
        for (ColumnContract c : references) {
            Db.execute(db, "INSERT INTO _issues SELECT _row, " + Sql.literal(c.name()) + ", 'UNKNOWN_REFERENCE', "
                    + c.name() + ", " + Sql.literal("no " + c.references() + " with this value") + " FROM _typed t "
                    + "WHERE " + c.name() + " IS NOT NULL AND _row NOT IN (SELECT _row FROM _issues)" + notSetAside
                    + " AND NOT EXISTS (SELECT 1 FROM " + validKeys(e, c, selfOutside) + " k(v) WHERE k.v = t."
                    + c.name() + ")");
        }
    }

    /** The values a reference may point at: the referenced entity's valid rows (for a self-reference, the rows checked now that passed so far). */
    private static String validKeys(String e, ColumnContract c, String selfOutside) {
        return c.references().entity().equals(e)
                ? "(SELECT " + c.references().column() + " FROM _typed WHERE _row NOT IN (SELECT _row FROM _issues) AND "
                        + "_row NOT IN (SELECT _row FROM _later)" + (selfOutside == null ? "" : " UNION ALL " + selfOutside)
                        + ")"
                : "(SELECT " + c.references().column() + " FROM valid_" + c.references().entity() + ")";
    }

    /**
     * The key values of the referenced entity's set-aside rows (for a self-reference, those set
     * aside among the rows checked now), or null when the reference is not to a one-column key.
     */
    private static String setAsideKeys(EntityContract entity, ColumnContract c) {
        if (c.references().entity().equals(entity.name())) {
            return c.references().column().equals(singleKeyColumn(entity))
                    ? "(SELECT CAST(" + c.references().column() + " AS VARCHAR) FROM _typed WHERE _row IN (SELECT _row "
                            + "FROM _later))"
                    : null;
        }
        return "(SELECT key_value FROM " + SET_ASIDE_KEYS + " WHERE entity = " + Sql.literal(c.references().entity())
                + ")";
    }

    // The text a value must have before it is cast: a cast alone accepts more than the contract
    // means ('1_000', '0x10', '1.5' as a whole number, '0.00004' rounded to 0, 'epoch', '24:00:00',
    // offsets dropped), and would load such values with a changed meaning.
    /** A whole number: optional sign and digits. */
    public static final String BIGINT_TEXT = "[+-]?[0-9]+";
    /**
     * Plain decimal notation whose fraction fits the stored 4 decimals exactly (trailing zeros
     * aside). No exponent: 1e3 is how floating point is written, and a float is not an exact amount.
     */
    public static final String DECIMAL_TEXT = "[+-]?([0-9]+(\\.[0-9]{0,4}0*)?|\\.[0-9]{1,4}0*)";
    /** A calendar date, year first (a year of 5 digits or BC parses, to be refused as out of range). */
    public static final String DATE_TEXT = "[0-9]{4,}[-/][0-9]{1,2}[-/][0-9]{1,2}( \\(BC\\))?";
    /** A time of day from 00:00 to 23:59:59.999999 (never 24:00). */
    public static final String TIME_PART = "[ T]([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,9})?)?";
    /** A date and, optionally, a time of day. */
    public static final String TIMESTAMP_TEXT = DATE_TEXT + "(" + TIME_PART + ")?";
    /** A date and time with a UTC offset: Z, +05, +0530 or +05:30. */
    public static final String OFFSET_TIMESTAMP_TEXT = DATE_TEXT + TIME_PART + " ?(Z|[+-][0-9]{2}(:?[0-9]{2})?)";
    /** Year 10000: the first date outside the range every engine and file format can hold. */
    static final String AFTER_LAST_DATE = "DATE '10000-01-01'";

    /**
     * The expression that turns a column's trimmed text into its contract type (NULL if it does not
     * parse, or parses only with a changed meaning). A timestamp with a UTC offset is converted to
     * the job's time zone; one without is taken as in it.
     */
    static String typedExpression(ColumnContract c, String text, FileSpec file, ZoneId zone) {
        String inZone = "timezone(" + Sql.literal(zone.getId()) + ", ";
        return switch (c.type()) {
            case VARCHAR -> text;
            case BIGINT -> "CASE WHEN regexp_full_match(" + text + ", " + Sql.literal(BIGINT_TEXT) + ") THEN TRY_CAST("
                    + text + " AS BIGINT) END";
            case DECIMAL -> "CASE WHEN regexp_full_match(" + text + ", " + Sql.literal(DECIMAL_TEXT) + ") THEN TRY_CAST("
                    + text + " AS " + c.type().storageType() + ") END";
            case BOOLEAN -> "CASE WHEN lower(" + text + ") IN ('true', 't', '1', 'yes', 'y') THEN true "
                    + "WHEN lower(" + text + ") IN ('false', 'f', '0', 'no', 'n') THEN false END";
            case DATE -> file != null && file.dateFormat() != null
                    ? "CAST(" + strptime(text, file.dateFormat(), inZone) + " AS DATE)"
                    : "CASE WHEN regexp_full_match(" + text + ", " + Sql.literal(DATE_TEXT) + ") THEN TRY_CAST(" + text
                            + " AS DATE) ELSE CAST(" + timestamp(text, inZone) + " AS DATE) END";
            case TIMESTAMP -> file != null && file.timestampFormat() != null
                    ? strptime(text, file.timestampFormat(), inZone)
                    : timestamp(text, inZone);
        };
    }

    /** Text in the default notation as a TIMESTAMP: plain, or with an offset converted to the zone. */
    private static String timestamp(String text, String inZone) {
        return "CASE WHEN regexp_full_match(" + text + ", " + Sql.literal(TIMESTAMP_TEXT) + ") THEN TRY_CAST(" + text
                + " AS TIMESTAMP) WHEN regexp_full_match(" + text + ", " + Sql.literal(OFFSET_TIMESTAMP_TEXT) + ") THEN "
                + inZone + "TRY_CAST(" + text + " AS TIMESTAMPTZ)) END";
    }

    /** Text in an explicit format; a format with a zone (%z, %Z) gives an instant, converted to the zone. */
    private static String strptime(String text, String format, String inZone) {
        String parse = "TRY_STRPTIME(" + text + ", " + Sql.literal(format) + ")";
        return format.contains("%z") || format.contains("%Z") ? inZone + parse + ")" : parse;
    }

    static List<String> columnChecks(ColumnContract c, LocalDate businessDate, LocalDate earliestDate, FileSpec file) {
        List<String> checks = new ArrayList<>();
        String n = c.name();
        String textColumn = n + "__text";
        String select = "SELECT _row, " + Sql.literal(n) + ", ";
        if (c.required()) {
            checks.add(select + "'MISSING_REQUIRED', NULL, 'required value is blank' FROM _typed WHERE "
                    + textColumn + " IS NULL");
        }
        if (c.type() != ColumnType.VARCHAR) {
            String expected = c.type().name().toLowerCase(java.util.Locale.ROOT);
            if (file != null && c.type() == ColumnType.DATE && file.dateFormat() != null) {
                expected += " in format " + file.dateFormat();
            } else if (file != null && c.type() == ColumnType.TIMESTAMP && file.timestampFormat() != null) {
                expected += " in format " + file.timestampFormat();
            }
            String detail = Sql.literal("not a valid " + expected);
            if (c.type() == ColumnType.DECIMAL) {
                // say why a number that looks like one is refused (only the refused rows pay for this)
                detail = "CASE WHEN regexp_full_match(" + textColumn
                        + ", '[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)[eE][+-]?[0-9]+') THEN "
                        + Sql.literal("not a valid " + expected + ": exponent notation, write the number out")
                        + " WHEN regexp_full_match(" + textColumn + ", '[+-]?[0-9]*\\.[0-9]{4}[0-9]*[1-9]0*') THEN "
                        + Sql.literal("not a valid " + expected + ": more than 4 decimals") + " ELSE " + detail + " END";
            }
            checks.add(select + "'BAD_TYPE', " + textColumn + ", " + detail
                    + " FROM _typed WHERE " + textColumn + " IS NOT NULL AND " + n + " IS NULL");
        }
        if (c.type().isTemporal()) {
            // an absurd date is not only wrong: a calendar spanning it makes models endless or huge
            checks.add(select + "'OUT_OF_RANGE', " + textColumn + ", " + Sql.literal("outside [" + earliestDate
                    + ", 9999-12-31]") + " FROM _typed WHERE " + n + " < " + date(earliestDate) + " OR " + n + " >= "
                    + AFTER_LAST_DATE);
        }
        if (!c.allowed().isEmpty()) {
            String list = c.allowed().stream().map(Sql::literal).collect(Collectors.joining(", "));
            checks.add(select + "'NOT_ALLOWED', " + textColumn + ", " + Sql.literal("allowed: " + c.allowed())
                    + " FROM _typed WHERE " + n + " IS NOT NULL AND " + n + " NOT IN (" + list + ")");
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
            checks.add(select + "'OUT_OF_RANGE', " + textColumn + ", " + Sql.literal("outside " + range)
                    + " FROM _typed WHERE " + String.join(" OR ", bounds));
        }
        if (c.notFuture() && c.type().isTemporal()) {
            checks.add(select + "'FUTURE_DATE', " + textColumn + ", " + Sql.literal("after business date " + businessDate)
                    + " FROM _typed WHERE " + AsOf.later(c, n, businessDate) + " AND " + n + " < " + AFTER_LAST_DATE);
            // year 10000 and later is OUT_OF_RANGE alone
        }
        return checks;
    }

    /**
     * Counts one source's rows. Loaded rows are counted in {@code valid_<entity>} and quarantined
     * rows in {@code quarantine} (distinct lines), independently of the rows set aside (counted
     * by the validation), so that read = loaded + quarantined + set aside is a real check that no
     * row went missing between them.
     */
    private SourceAudit audit(Connection db, String entity, String source, long setAside) throws SQLException {
        if (entity.startsWith("raw:")) {
            long rows = Db.queryLong(db, "SELECT count(*) FROM rawfile_" + entity.substring(4));
            long malformed = Db.queryLong(db, "SELECT count(DISTINCT line) FROM extract_rejects WHERE entity = "
                    + Sql.literal(entity));
            return withLines(db, new SourceAudit(entity, source, rows + malformed, rows, malformed),
                    "SELECT _line FROM rawfile_" + entity.substring(4),
                    "SELECT line FROM extract_rejects WHERE entity = " + Sql.literal(entity), null);
        }
        long raw = Db.queryLong(db, "SELECT count(*) FROM raw_" + entity);
        long malformed = Db.queryLong(db, "SELECT count(DISTINCT line) FROM extract_rejects WHERE entity = "
                + Sql.literal(entity));
        long loaded = Db.queryLong(db, "SELECT count(*) FROM valid_" + entity);
        long quarantined = rawLinesUnique(db, entity)
                ? malformed + Db.queryLong(db, "SELECT count(DISTINCT line) FROM quarantine WHERE entity = "
                        + Sql.literal(entity) + " AND reason_code <> 'MALFORMED_ROW'")
                // a mapping may repeat a source line (a join): then rows, not lines, are counted
                : malformed + raw - loaded - setAside;
        SourceAudit audit = withLines(db, new SourceAudit(entity, source, raw + malformed, loaded, quarantined,
                setAside == 0 ? Map.of() : Map.of(AsOf.LATER_THAN_BUSINESS_DATE, setAside)),
                "SELECT _line FROM valid_" + entity, "SELECT line FROM quarantine WHERE entity = " + Sql.literal(entity),
                "SELECT line FROM " + SET_ASIDE + " WHERE entity = " + Sql.literal(entity));
        if (!audit.reconciles()) {
            throw new IllegalStateException("row accounting does not reconcile for " + entity + ": read "
                    + audit.rowsRead() + " but loaded " + audit.rowsLoaded() + " + quarantined "
                    + audit.rowsQuarantined() + " + set aside " + audit.rowsSetAside());
        }
        if (!audit.linesReconcile()) {
            log.warn("[validate] line accounting does not reconcile for {}: {} physical lines, but {} header + {} loaded "
                    + "+ {} quarantined + {} set aside", entity, audit.physicalLines(), audit.headerLines(),
                    audit.linesLoaded(), audit.linesQuarantined(), audit.linesSetAside());
        }
        return audit;
    }

    /**
     * Adds the file's line counts (from the extract step) to a source's record counts: lines of
     * loaded and quarantined records are the records plus the extra lines of those that span
     * several ({@code extract_multiline}, by start line). A source read without lines keeps one
     * line per row.
     */
    private static SourceAudit withLines(Connection db, SourceAudit rows, String loadedLines, String quarantinedLines,
            String setAsideLines) throws SQLException {
        String e = Sql.literal(rows.entity());
        if (!Db.tableExists(db, "extract_lines")
                || Db.queryLong(db, "SELECT count(*) FROM extract_lines WHERE entity = " + e) == 0) {
            return rows;
        }
        long physical = Db.queryLong(db, "SELECT sum(physical_lines) FROM extract_lines WHERE entity = " + e);
        long header = Db.queryLong(db, "SELECT sum(header_lines) FROM extract_lines WHERE entity = " + e);
        long blank = Db.queryLong(db, "SELECT sum(blank_lines) FROM extract_lines WHERE entity = " + e);
        String extra = "SELECT coalesce(sum(lines - 1), 0) FROM extract_multiline WHERE entity = " + e + " AND line IN (";
        long loaded = rows.rowsLoaded() + Db.queryLong(db, extra + loadedLines + ")");
        long quarantined = rows.rowsQuarantined() + Db.queryLong(db, extra + quarantinedLines + ")");
        Map<String, Long> setAside = new TreeMap<>();
        if (blank > 0) {
            setAside.put(SourceAudit.BLANK_LINE, blank);
        }
        if (setAsideLines != null && rows.rowsSetAside() > 0) {
            // a record set aside is its lines: one, plus the extra lines of one that spans several
            setAside.put(AsOf.LATER_THAN_BUSINESS_DATE, rows.rowsSetAside()
                    + Db.queryLong(db, extra + setAsideLines + ")"));
        }
        return new SourceAudit(rows.entity(), rows.source(), rows.rowsRead(), rows.rowsLoaded(), rows.rowsQuarantined(),
                rows.setAside(), physical, header, loaded, quarantined, setAside);
    }

    private static boolean rawLinesUnique(Connection db, String entity) throws SQLException {
        return Db.queryLong(db, "SELECT count(*) - count(DISTINCT _line) FROM raw_" + entity) == 0;
    }

    static String date(LocalDate date) {
        return "DATE " + Sql.literal(date.toString());
    }
}
