package org.crmwarehouse.transform;

import java.sql.Connection;
import java.sql.SQLException;
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

    public record Failure(String model, String test, long rows) {
        @Override
        public String toString() {
            return model + ": " + test + " fails on " + rows + " row(s)";
        }
    }

    public List<Failure> run(Connection db, SqlModel model) throws SQLException {
        List<Failure> failures = new ArrayList<>();
        for (TestQuery q : queries(model)) {
            long rows = Db.queryLong(db, q.sql());
            if (rows > 0) {
                failures.add(new Failure(model.name(), q.name(), rows));
            }
        }
        return failures;
    }

    record TestQuery(String name, String sql) {
    }

    static List<TestQuery> queries(SqlModel model) {
        String t = model.name();
        List<TestQuery> queries = new ArrayList<>();
        for (ModelDoc.ColumnDoc c : model.doc().columns()) {
            String col = Sql.identifier(c.name());
            if (c.tests().contains("not_null")) {
                queries.add(new TestQuery("not_null(" + c.name() + ")",
                        "SELECT count(*) FROM " + t + " WHERE " + col + " IS NULL"));
            }
            if (c.tests().contains("unique")) {
                queries.add(new TestQuery("unique(" + c.name() + ")", "SELECT count(*) FROM (SELECT " + col + " FROM "
                        + t + " WHERE " + col + " IS NOT NULL GROUP BY " + col + " HAVING count(*) > 1)"));
            }
            if (!c.accepted().isEmpty()) {
                String list = c.accepted().stream().map(Sql::literal).collect(Collectors.joining(", "));
                queries.add(new TestQuery("accepted_values(" + c.name() + ")", "SELECT count(*) FROM " + t
                        + " WHERE " + col + " IS NOT NULL AND CAST(" + col + " AS VARCHAR) NOT IN (" + list + ")"));
            }
            if (c.references() != null) {
                String[] target = c.references().split("\\.");
                // Like the validator's reference check, this applies when the referenced table has
                // rows: a job that loads no customers (orders-only data) has nothing to check against.
                String parent = Sql.requireSimpleName("model", target[0]);
                queries.add(new TestQuery("relationships(" + c.name() + " -> " + c.references() + ")",
                        "SELECT count(*) FROM " + t + " s WHERE s." + col + " IS NOT NULL AND EXISTS (SELECT 1 FROM "
                                + parent + ") AND NOT EXISTS (SELECT 1 FROM " + parent + " r WHERE r."
                                + Sql.identifier(target[1]) + " = s." + col + ")"));
            }
        }
        if (!model.doc().uniqueKey().isEmpty()) {
            String key = model.doc().uniqueKey().stream().map(Sql::identifier).collect(Collectors.joining(", "));
            queries.add(new TestQuery("unique_key(" + String.join(", ", model.doc().uniqueKey()) + ")",
                    "SELECT count(*) FROM (SELECT " + key + " FROM " + t + " GROUP BY ALL HAVING count(*) > 1)"));
        }
        for (String check : model.doc().checks()) {
            queries.add(new TestQuery("check(" + check + ")",
                    "SELECT count(*) FROM " + t + " WHERE NOT coalesce((" + check + "), false)"));
        }
        return queries;
    }
}
