package org.crmwarehouse.sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A query's rows as text, one string a row, for assertions and failure messages in tests. */
public final class QueryRows {
    private QueryRows() {
    }

    /** Each row's values joined by {@code separator}, NULL written as {@code nullText}. */
    public static List<String> of(Connection db, String query, String separator, String nullText) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(query)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    String v = rs.getString(i);
                    values.add(v == null ? nullText : v);
                }
                rows.add(String.join(separator, values));
            }
        }
        return rows;
    }
}
