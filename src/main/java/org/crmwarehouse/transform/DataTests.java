package org.crmwarehouse.transform;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;

/**
 * Data tests declared in the models' YAML, each a query counting the rows that break it:
 * not_null, unique, accepted values, relationships (every value exists in the referenced model),
 * a unique key over several columns, and row checks (SQL conditions every row satisfies).
 */
public final class DataTests {
    /** How many offending rows a failure names. */
    static final int EXAMPLES = 3;

    /**
     * @param examples up to {@link #EXAMPLES} offending rows, each as "column=value, ..." over the
     *                 columns that let an operator find it (key columns, source_line, the tested one)
     */
    public record Failure(String model, String test, long rows, List<String> examples) {
        public Failure {
            examples = List.copyOf(examples);
        }

        public Failure(String model, String test, long rows) {
            this(model, test, rows, List.of());
        }

        @Override
        public String toString() {
            return model + ": " + test + " fails on " + rows + " row(s)"
                    + (examples.isEmpty() ? "" : ", e.g. " + String.join("; ", examples));
        }
    }

    public List<Failure> run(Connection db, SqlModel model) throws SQLException {
        List<TestQuery> queries = queries(model);
        if (queries.isEmpty()) {
            return List.of();
        }
        long[] offending = new long[queries.size()];
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(countsSql(queries))) {
            while (rs.next()) {
                offending[rs.getInt(1)] = rs.getLong(2);
            }
        }
        return failures(model, queries, offending, q -> examples(db, q));
    }

    /** The failing tests, in the order of {@code queries}, from each one's count of offending rows. */
    public static List<Failure> failures(SqlModel model, List<TestQuery> queries, long[] offending,
            java.util.function.Function<TestQuery, List<String>> examples) {
        List<Failure> failures = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            if (offending[i] > 0) {
                failures.add(new Failure(model.name(), queries.get(i).name(), offending[i], examples.apply(queries.get(i))));
            }
        }
        return failures;
    }

    /**
     * One query for all of a model's tests: a row (index in {@code queries}, offending rows) per
     * test, in no particular order. One statement instead of one per test matters on Spark, where
     * each query is a job with a fixed start-up cost (the sample night's tests took 3.5 minutes
     * one query at a time).
     */
    public static String countsSql(List<TestQuery> queries) {
        List<String> branches = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            branches.add("SELECT " + i + " AS test, count(*) AS offending " + queries.get(i).from());
        }
        return String.join(" UNION ALL ", branches);
    }

    private static List<String> examples(Connection db, TestQuery q) {
        try {
            return exampleRows(db, q);
        } catch (SQLException e) {
            return List.of(); // the failure itself is what must be reported; examples are a help
        }
    }

    private static List<String> exampleRows(Connection db, TestQuery q) throws SQLException {
        List<String> examples = new ArrayList<>();
        String columns = q.show().stream().map(Sql::identifier).collect(Collectors.joining(", "));
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT " + columns + " " + q.from() + " ORDER BY ALL LIMIT " + EXAMPLES)) {
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 0; i < q.show().size(); i++) {
                    values.add(q.show().get(i) + "=" + rs.getString(i + 1));
                }
                examples.add(String.join(", ", values));
            }
        }
        return examples;
    }

    /**
     * One test: {@code from} is the FROM (and WHERE) clause of the offending rows, {@code show}
     * the columns of them an example names.
     */
    public record TestQuery(String name, String from, List<String> show) {
    }

    /** The columns that identify a model's row to an operator: its key, else unique columns, and source_line. */
    static List<String> identity(ModelDoc doc) {
        java.util.LinkedHashSet<String> columns = new java.util.LinkedHashSet<>(doc.uniqueKey());
        if (columns.isEmpty()) {
            doc.columns().stream().filter(c -> c.tests().contains("unique")).forEach(c -> columns.add(c.name()));
        }
        if (columns.isEmpty() && !doc.columns().isEmpty()) {
            columns.add(doc.columns().get(0).name());
        }
        if (doc.columnsByName().containsKey("source_line")) {
            columns.add("source_line");
        }
        return List.copyOf(columns);
    }

    private static List<String> with(List<String> identity, String column) {
        List<String> show = new ArrayList<>(identity);
        if (!show.contains(column)) {
            show.add(column);
        }
        return show;
    }

    public static List<TestQuery> queries(SqlModel model) {
        String t = model.name();
        List<String> identity = identity(model.doc());
        List<TestQuery> queries = new ArrayList<>();
        for (ModelDoc.ColumnDoc c : model.doc().columns()) {
            String col = Sql.identifier(c.name());
            if (c.tests().contains("not_null")) {
                queries.add(new TestQuery("not_null(" + c.name() + ")",
                        "FROM " + t + " WHERE " + col + " IS NULL", with(identity, c.name())));
            }
            if (c.tests().contains("unique")) {
                queries.add(new TestQuery("unique(" + c.name() + ")", "FROM (SELECT " + col + " FROM "
                        + t + " WHERE " + col + " IS NOT NULL GROUP BY " + col + " HAVING count(*) > 1)",
                        List.of(c.name())));
            }
            if (!c.accepted().isEmpty()) {
                String list = c.accepted().stream().map(Sql::literal).collect(Collectors.joining(", "));
                queries.add(new TestQuery("accepted_values(" + c.name() + ")", "FROM " + t
                        + " WHERE " + col + " IS NOT NULL AND CAST(" + col + " AS VARCHAR) NOT IN (" + list + ")",
                        with(identity, c.name())));
            }
            if (c.references() != null) {
                String[] target = c.references().split("\\.");
                // Like the validator's reference check, this applies when the referenced table has
                // rows: a job that loads no customers (orders-only data) has nothing to check against.
                String parent = Sql.requireSimpleName("model", target[0]);
                queries.add(new TestQuery("relationships(" + c.name() + " -> " + c.references() + ")",
                        "FROM " + t + " s WHERE s." + col + " IS NOT NULL AND EXISTS (SELECT 1 FROM "
                                + parent + ") AND NOT EXISTS (SELECT 1 FROM " + parent + " r WHERE r."
                                + Sql.identifier(target[1]) + " = s." + col + ")", with(identity, c.name())));
            }
        }
        if (!model.doc().uniqueKey().isEmpty()) {
            String key = model.doc().uniqueKey().stream().map(Sql::identifier).collect(Collectors.joining(", "));
            queries.add(new TestQuery("unique_key(" + String.join(", ", model.doc().uniqueKey()) + ")",
                    "FROM (SELECT " + key + " FROM " + t + " GROUP BY ALL HAVING count(*) > 1)",
                    model.doc().uniqueKey()));
        }
        for (String check : model.doc().checks()) {
            queries.add(new TestQuery("check(" + check + ")",
                    "FROM " + t + " WHERE NOT coalesce((" + check + "), false)", identity));
        }
        return queries;
    }
}
