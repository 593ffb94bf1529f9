package org.crmwarehouse.publish;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A table's rows rendered the same way whichever database holds them, through each database's own
 * JDBC driver (DuckDB's, PgJDBC), not through the CSV the publisher writes: numbers as exact
 * decimals without trailing zeros (a DuckDB BIGINT and a PostgreSQL bigint, a DECIMAL(9,4) and a
 * numeric(9,4) give the same text), doubles by Java's shortest round-trip form, dates and
 * timestamps by java.time, text quoted (so '' and NULL differ), arrays element by element. The
 * checksum is SHA-256 over the sorted rendered rows, so row order does not matter.
 */
public final class CanonicalRows {
    private CanonicalRows() {
    }

    public record Summary(long rows, String checksum) {
    }

    public static Summary summary(Connection c, String table) throws SQLException {
        List<String> rows = rows(c, "SELECT * FROM " + table);
        return new Summary(rows.size(), checksum(rows));
    }

    public static List<String> rows(Connection c, String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    if (i > 1) {
                        row.append('|');
                    }
                    row.append(value(rs, i, md.getColumnType(i)));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    public static String checksum(List<String> rows) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            rows.stream().sorted().forEach(r -> sha.update((r + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String value(ResultSet rs, int i, int type) throws SQLException {
        Object v = rs.getObject(i);
        if (v == null) {
            return "\\N";
        }
        switch (type) {
            case Types.DATE:
                return rs.getObject(i, LocalDate.class).toString();
            case Types.TIMESTAMP:
                return rs.getObject(i, LocalDateTime.class).toString();
            case Types.TIMESTAMP_WITH_TIMEZONE:
                return rs.getObject(i, OffsetDateTime.class).toInstant().toString();
            default:
                return render(v);
        }
    }

    private static String render(Object v) throws SQLException {
        if (v == null) {
            return "\\N";
        }
        if (v instanceof BigDecimal d) {
            return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        }
        if (v instanceof BigInteger || v instanceof Long || v instanceof Integer || v instanceof Short
                || v instanceof Byte) {
            return new BigDecimal(v.toString()).toPlainString();
        }
        if (v instanceof Double || v instanceof Float) {
            return Double.toString(((Number) v).doubleValue());
        }
        if (v instanceof Boolean || v instanceof java.util.UUID) {
            return v.toString();
        }
        if (v instanceof String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        if (v instanceof byte[] b) {
            return "x" + HexFormat.of().formatHex(b);
        }
        if (v instanceof java.sql.Blob b) {
            return "x" + HexFormat.of().formatHex(b.getBytes(1, (int) b.length()));
        }
        if (v instanceof Array a) {
            Object[] elements = (Object[]) a.getArray();
            List<String> parts = new ArrayList<>();
            for (Object e : elements) {
                parts.add(render(e));
            }
            return "[" + String.join(",", parts) + "]";
        }
        if (v instanceof java.sql.Date || v instanceof LocalDate) {
            return v.toString();
        }
        return v.getClass().getSimpleName() + ":" + v;
    }
}
