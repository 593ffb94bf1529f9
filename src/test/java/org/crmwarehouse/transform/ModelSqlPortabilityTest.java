package org.crmwarehouse.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The models stay portable to Spark SQL: DuckDB-only spellings (or functions whose meaning differs
 * between the two engines) belong in the engine seam, sql/engine/duckdb.sql, not in a model. Each
 * rule names the portable way. Comments and string literals are not checked.
 */
class ModelSqlPortabilityTest {
    private static final Map<String, String> DUCKDB_ONLY = new LinkedHashMap<>();

    static {
        DUCKDB_ONLY.put("::", "cast(x as type)");
        DUCKDB_ONLY.put("\\bqualify\\b", "a window in a subquery, filtered by WHERE");
        DUCKDB_ONLY.put("\\*\\s*(exclude|replace)\\s*\\(", "the columns listed");
        DUCKDB_ONLY.put("\\bcolumns\\s*\\(", "the columns listed");
        DUCKDB_ONLY.put("\\b(date_diff|datediff|date_add|date_sub)\\s*\\(",
                "days_between / add_days / add_months (sql/engine: the engines' own functions differ)");
        DUCKDB_ONLY.put("\\b(strftime|strptime|epoch)\\s*\\(", "cast, or a function of the engine seam");
        DUCKDB_ONLY.put("\\bregexp_replace\\s*\\(", "regexp_remove (sql/engine: DuckDB replaces the first match only)");
        DUCKDB_ONLY.put("\\b(string_agg|list|arg_max|arg_min)\\s*\\(", "a function of the engine seam");
        DUCKDB_ONLY.put("\\b(list_\\w+|struct_pack|unnest|generate_series)\\s*\\(", "plain rows and joins");
        DUCKDB_ONLY.put("\\b(asof|positional)\\s+(left\\s+)?join\\b", "an equi-join, or a window");
        DUCKDB_ONLY.put("\\bunion\\s+(all\\s+)?by\\s+name\\b", "union of the columns listed");
        DUCKDB_ONLY.put("\"", "unquoted identifiers (Spark quotes with backticks)");
        // found running every model on Spark SQL 4.2 (SparkModelsEqualityTest)
        DUCKDB_ONLY.put("\\bas\\s+(varchar|text)\\b(?!\\s*\\()", "as string (Spark's VARCHAR needs a length; STRING is both engines' text)");
        DUCKDB_ONLY.put("\\b(hugeint|ubigint|uinteger|utinyint|usmallint)\\b", "bigint or decimal(38, 0) (Spark has no such type)");
        DUCKDB_ONLY.put("\\blog\\s*\\(", "ln or log10 (log is base 10 in DuckDB, natural in Spark)");
        DUCKDB_ONLY.put("//", "cast(floor(a / b) as bigint) (// is DuckDB's integer division)");
        // a quotient is DOUBLE on both engines, and Spark's round(DOUBLE, n) rounds its shortest
        // decimal form, DuckDB's its binary value: one unit apart at ties (34.745)
        DUCKDB_ONLY.put("\\bround\\s*\\(\\s*safe_divide\\s*\\(", "round_double (sql/engine: DOUBLEs round alike on both engines)");
    }

    private static final Map<String, Pattern> RULES = new LinkedHashMap<>();

    static {
        DUCKDB_ONLY.keySet().forEach(rule -> RULES.put(rule, Pattern.compile(rule, Pattern.CASE_INSENSITIVE)));
    }

    @Test
    void modelsUseNoDuckDbOnlySpelling() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path file : modelFiles()) {
            String[] lines = Files.readString(file).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                for (Map.Entry<String, String> match : matches(lines[i]).entrySet()) {
                    found.add(file + ":" + (i + 1) + ": '" + match.getValue() + "' is DuckDB's; use "
                            + DUCKDB_ONLY.get(match.getKey()));
                }
            }
        }
        assertThat(found).as("models must stay portable").isEmpty();
    }

    @Test
    void theRulesCatchWhatTheyName() {
        assertThat(violations("select order_time::date from stg_orders")).containsExactly("::");
        assertThat(violations("select * exclude (x) from t qualify row_number() over () = 1"))
                .containsExactlyInAnyOrder("\\bqualify\\b", "\\*\\s*(exclude|replace)\\s*\\(");
        assertThat(violations("select date_diff('day', a, b), regexp_replace(s, 'x', '', 'g') from t")).hasSize(2);
        // the words inside comments and string literals are not code
        assertThat(violations("select 'qualify first' as action -- a::b, \"quoted\"")).isEmpty();
        assertThat(violations("select days_between(a, b), add_days(d, 1) from t")).isEmpty();
        assertThat(violations("select cast(n as varchar) || 'x' from t")).hasSize(1);
        assertThat(violations("select cast(n as string), cast(s as varchar(10)), log10(x) from t")).isEmpty();
        assertThat(violations("select cast(sum(n) as hugeint), log(x), a // b from t")).hasSize(3);
        assertThat(violations("select round(safe_divide(spend, clicks), 4) from t")).hasSize(1);
        assertThat(violations("select round_double(safe_divide(spend, clicks), 4), round(revenue, 2) from t")).isEmpty();
    }

    private static List<String> violations(String line) {
        return matches(line).keySet().stream().sorted().toList();
    }

    /** The rules the line's code breaks, each with the text that breaks it. */
    private static Map<String, String> matches(String line) {
        String code = codeOnly(line);
        Map<String, String> matches = new LinkedHashMap<>();
        RULES.forEach((rule, pattern) -> {
            Matcher m = pattern.matcher(code);
            if (m.find()) {
                matches.put(rule, m.group());
            }
        });
        return matches;
    }

    /** The line without its comment and with string literals emptied. */
    static String codeOnly(String line) {
        StringBuilder code = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (inString) {
                if (c == '\'') {
                    inString = false;
                    code.append(c);
                }
            } else if (c == '\'') {
                inString = true;
                code.append(c);
            } else if (c == '-' && i + 1 < line.length() && line.charAt(i + 1) == '-') {
                break;
            } else {
                code.append(c);
            }
        }
        return code.toString();
    }

    private static List<Path> modelFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String layer : List.of("staging", "intermediate", "marts")) {
            try (Stream<Path> list = Files.list(Path.of("sql", layer))) {
                list.filter(p -> p.toString().endsWith(".sql")).sorted().forEach(files::add);
            }
        }
        assertThat(files).as("model files under sql/").hasSizeGreaterThan(30);
        return files;
    }
}
