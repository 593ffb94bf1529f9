package org.crmwarehouse.cli;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.List;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code --format json}: rows as a JSON array of objects, one per row, keyed by column label.
 * Numbers stay numbers (decimals exactly as stored), NULL is null, dates and times are ISO text.
 */
final class JsonRows {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private JsonRows() {
    }

    static void print(ResultSet rs, PrintStream out) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        int n = meta.getColumnCount();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartArray();
            while (rs.next()) {
                json.writeStartObject();
                for (int i = 1; i <= n; i++) {
                    json.writeName(meta.getColumnLabel(i));
                    write(json, rs.getObject(i));
                }
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        out.println();
    }

    /** One object per row of already formatted values (for commands that do not print a ResultSet). */
    static void print(List<String> names, List<List<Object>> rows, PrintStream out) {
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartArray();
            for (List<Object> row : rows) {
                json.writeStartObject();
                for (int i = 0; i < names.size(); i++) {
                    json.writeName(names.get(i));
                    write(json, row.get(i));
                }
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        out.println();
    }

    private static void write(JsonGenerator json, Object v) {
        if (v == null) {
            json.writeNull();
        } else if (v instanceof Boolean b) {
            json.writeBoolean(b);
        } else if (v instanceof BigDecimal d) {
            json.writeNumber(d);
        } else if (v instanceof BigInteger i) {
            json.writeNumber(i);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            json.writeNumber(((Number) v).longValue());
        } else if ((v instanceof Double || v instanceof Float) && Double.isFinite(((Number) v).doubleValue())) {
            json.writeNumber(((Number) v).doubleValue());
        } else {
            json.writeString(String.valueOf(v)); // text, dates and times (ISO), NaN / infinity, lists
        }
    }
}
