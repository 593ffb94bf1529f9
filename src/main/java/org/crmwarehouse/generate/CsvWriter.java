package org.crmwarehouse.generate;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** RFC 4180 CSV output: comma-delimited, UTF-8, LF line ends, quotes only where needed; null/"" is an empty field. */
final class CsvWriter implements Closeable {
    private static final int BUFFER_CHARS = 1 << 20;

    private final Writer out;
    private final StringBuilder line = new StringBuilder(512);

    CsvWriter(Path file, List<String> header) throws IOException {
        this.out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), BUFFER_CHARS);
        writeRow(header.toArray(String[]::new));
    }

    void writeRow(String[] fields) throws IOException {
        line.setLength(0);
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) line.append(',');
            appendField(line, fields[i]);
        }
        line.append('\n');
        out.append(line);
    }

    static void appendField(StringBuilder sb, String value) {
        if (value == null || value.isEmpty()) return;
        if (!needsQuotes(value)) {
            sb.append(value);
            return;
        }
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '"') sb.append('"');
            sb.append(ch);
        }
        sb.append('"');
    }

    private static boolean needsQuotes(String value) {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == ',' || ch == '"' || ch == '\n' || ch == '\r') return true;
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
