package org.crmwarehouse.extract;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.crmwarehouse.config.FileSpec;

/**
 * The column names of a CSV file's header line, read without DuckDB's sniffer: used only when the
 * sniffer gives up on the file's first rows. The header is one line (no quoted line breaks).
 */
public final class CsvHeader {
    private CsvHeader() {
    }

    public static List<String> read(FileSpec file) {
        Charset charset = switch (file.encoding().toLowerCase(Locale.ROOT).replace("_", "-")) {
            case "utf-16" -> StandardCharsets.UTF_16;
            case "latin-1", "latin1", "iso-8859-1" -> StandardCharsets.ISO_8859_1;
            default -> StandardCharsets.UTF_8;
        };
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(file.path())) {
            int b;
            int unitWidth = charset == StandardCharsets.UTF_16 ? 2 : 1;
            byte[] unit = new byte[unitWidth];
            while (bytes.size() < FileReadSql.MAX_LINE_BYTES && in.readNBytes(unit, 0, unitWidth) == unitWidth) {
                b = unitWidth == 2 ? (unit[0] == 0 ? unit[1] : unit[1] == 0 ? unit[0] : -1) : unit[0];
                if (b == '\n') {
                    break;
                }
                bytes.write(unit);
            }
        } catch (IOException e) {
            throw new ExtractException(file.path() + ": cannot be read: " + e.getMessage(), e);
        }
        String line = bytes.toString(charset);
        if (line.startsWith("\uFEFF")) {
            line = line.substring(1);
        }
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        return split(line, file.delimiter(), file.quote());
    }

    public static List<String> split(String line, String delimiter, String quote) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        char q = quote == null || quote.isEmpty() ? 0 : quote.charAt(0);
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == q && i + 1 < line.length() && line.charAt(i + 1) == q) {
                    field.append(q);
                    i++;
                } else if (ch == q) {
                    quoted = false;
                } else {
                    field.append(ch);
                }
            } else if (q != 0 && ch == q) {
                quoted = true;
            } else if (line.startsWith(delimiter, i)) {
                fields.add(field.toString());
                field.setLength(0);
                i += delimiter.length() - 1;
            } else {
                field.append(ch);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
