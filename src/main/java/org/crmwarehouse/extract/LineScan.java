package org.crmwarehouse.extract;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.crmwarehouse.config.FileSpec;

/**
 * One streaming pass over a CSV or JSON Lines file that counts its physical lines and notes,
 * sparsely, what DuckDB's reader does not say: where the blank lines are, which records span
 * several lines (a quoted line break), and which lines hold a bare CR (a carriage return that is
 * not the file's line ending), which DuckDB cannot read at all. DuckDB numbers records, counting
 * blank lines but not quoted line breaks; these notes turn its numbers into physical lines.
 *
 * <p>A physical line ends at the file's line ending: LF or CRLF, or CR in a file whose first line
 * ends with a bare CR ("CR-only"). A last line without an ending counts; the empty text after a
 * final line ending does not. The quote rules are DuckDB's: a quote opens a field only as its
 * first character (after blanks), a doubled quote inside it is one quote, a quote elsewhere is a
 * literal character, and text after a closing quote makes the rest of the line part of a rejected
 * record.
 */
final class LineScan {
    /** A record (counted from 1, the header not counted) that spans {@code lines} > 1 physical lines. */
    record MultiLine(long record, long line, long lines) {
    }

    /** A blank line outside any record, before record number {@code nextRecord}. */
    record Blank(long nextRecord, long line) {
    }

    /** A record with a bare CR (JSONL: or a \x1f) outside quotes; field is its 0-based field then. */
    record BadRecord(long record, long line, int field) {
    }

    private static final int CR = '\r';
    private static final int LF = '\n';

    private final boolean csv;
    private final boolean header;
    private final int quote;
    private final int[] delimiter;
    private final OutputStream copy;

    // line-ending mode: 0 not known yet, 1 LF (or CRLF), 2 CR-only
    private int mode;
    private boolean pendingCr;
    private long line = 1;
    private boolean lineHasContent;
    // record state
    private boolean recordOpen;
    private long recordStart;
    private long recordLines;
    private boolean inQuote;
    private boolean afterQuote;
    private boolean skipToEndOfLine;
    private boolean fieldStart;
    private int field;
    private int delimiterMatched;
    private int badField = -1;
    private boolean headerDone;

    long physicalLines;
    long headerLines;
    long records;
    final List<Blank> blanks = new ArrayList<>();
    final List<MultiLine> multiLines = new ArrayList<>();
    final List<BadRecord> badRecords = new ArrayList<>();

    private LineScan(FileSpec file, boolean csv, OutputStream copy) {
        this.csv = csv;
        this.header = csv && file.header();
        this.quote = csv && file.quote() != null && !file.quote().isEmpty() ? file.quote().charAt(0) : -1;
        this.delimiter = csv ? file.delimiter().chars().toArray() : new int[0];
        this.copy = copy;
    }

    /** Scans a file (read through gzip when named .gz). */
    static LineScan scan(FileSpec file) {
        LineScan scan = new LineScan(file, file.format() == FileSpec.FileFormat.CSV, null);
        scan.run(file);
        return scan;
    }

    /** Whether DuckDB can read the file as it is (it cannot read a bare CR outside quotes). */
    boolean readableAsIs() {
        return badRecords.isEmpty();
    }

    /**
     * Writes a copy of the file (uncompressed) in which every bare CR outside quotes, and in JSON
     * Lines every \x1f (which DuckDB's line reader drops silently), is a space, so that DuckDB
     * reads it; the records holding them are quarantined by line, so the space is never loaded.
     */
    static void writeReadableCopy(FileSpec file, Path target) {
        if (isUtf16(file)) {
            throw new ExtractException(file.path() + ": a carriage return (CR) inside a line of a UTF-16 file cannot "
                    + "be read; convert the file to UTF-8");
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(target), 1 << 20)) {
            new LineScan(file, file.format() == FileSpec.FileFormat.CSV, out).run(file);
        } catch (IOException e) {
            throw new ExtractException(file.path() + ": cannot write a readable copy to " + target + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The text of the physical lines {@code first..last} of the file (for the records quarantined by
     * line), each cut to {@code maxChars}, calling {@code sink} with each line's number and text.
     */
    static void lineTexts(FileSpec file, List<long[]> ranges, int maxChars, LineSink sink) {
        if (ranges.isEmpty()) {
            return;
        }
        long last = ranges.get(ranges.size() - 1)[1];
        try (Reader in = new InputStreamReader(open(file), charset(file))) {
            LineTexts texts = new LineTexts(ranges, maxChars, sink);
            char[] buffer = new char[1 << 16];
            for (int n; texts.current <= last && (n = in.read(buffer)) > 0;) {
                for (int i = 0; i < n; i++) {
                    texts.step(buffer[i]);
                }
            }
            texts.end();
        } catch (IOException e) {
            throw new ExtractException(file.path() + ": cannot be read: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    interface LineSink {
        void line(long number, String text);
    }

    /** Splits decoded text into physical lines as the scan does, keeping those in the ranges. */
    private static final class LineTexts {
        private final List<long[]> ranges;
        private final int maxChars;
        private final LineSink sink;
        private final StringBuilder text = new StringBuilder();
        private int mode;
        private boolean pendingCr;
        private boolean hasContent;
        private int range;
        long current = 1;

        LineTexts(List<long[]> ranges, int maxChars, LineSink sink) {
            this.ranges = ranges;
            this.maxChars = maxChars;
            this.sink = sink;
        }

        void step(char c) {
            if (pendingCr) {
                pendingCr = false;
                if (c == LF) {
                    mode = mode == 0 ? 1 : mode;
                    endLine();
                    return;
                }
                mode = mode == 0 ? 2 : mode;
                if (mode == 2) {
                    endLine();
                } else {
                    append(CR);
                }
            }
            if (c == CR) {
                pendingCr = true;
            } else if (c == LF) {
                mode = mode == 0 ? 1 : mode;
                endLine();
            } else {
                append(c);
            }
        }

        private void append(int c) {
            hasContent = true;
            if (wanted() && text.length() < maxChars) {
                text.append((char) c);
            }
        }

        private boolean wanted() {
            while (range < ranges.size() && ranges.get(range)[1] < current) {
                range++;
            }
            return range < ranges.size() && ranges.get(range)[0] <= current;
        }

        private void endLine() {
            if (wanted()) {
                String line = text.toString();
                sink.line(current, current == 1 && line.startsWith("\uFEFF") ? line.substring(1) : line);
            }
            text.setLength(0);
            hasContent = false;
            current++;
        }

        void end() {
            if (pendingCr || hasContent) {
                pendingCr = false;
                endLine();
            }
        }
    }

    static Charset charset(FileSpec file) {
        return switch (file.encoding().toLowerCase(Locale.ROOT).replace("_", "-")) {
            case "utf-16" -> StandardCharsets.UTF_16;
            case "latin-1", "latin1", "iso-8859-1" -> StandardCharsets.ISO_8859_1;
            default -> StandardCharsets.UTF_8;
        };
    }

    private static boolean isUtf16(FileSpec file) {
        return charset(file) == StandardCharsets.UTF_16;
    }

    private static InputStream open(FileSpec file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file.path()), 1 << 20);
        return file.path().getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")
                ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 20) : in;
    }

    private void run(FileSpec file) {
        try (InputStream in = open(file)) {
            if (isUtf16(file)) {
                // line endings, quotes and delimiters are characters: scan the decoded text
                try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_16)) {
                    char[] buffer = new char[1 << 16];
                    for (int n; (n = reader.read(buffer)) > 0;) {
                        for (int i = 0; i < n; i++) {
                            step(buffer[i]);
                        }
                    }
                }
            } else {
                byte[] buffer = new byte[1 << 20];
                for (int n; (n = in.read(buffer)) > 0;) {
                    for (int i = 0; i < n; i++) {
                        step(buffer[i] & 0xff);
                    }
                }
            }
            end();
        } catch (IOException e) {
            throw new ExtractException(file.path() + ": cannot be read: " + e.getMessage(), e);
        }
    }

    private void out(int c) throws IOException {
        if (copy != null) {
            copy.write(c);
        }
    }

    private void step(int c) throws IOException {
        if (pendingCr) {
            pendingCr = false;
            if (c == LF) {
                if (mode == 0) {
                    mode = 1;
                }
                out(CR);
                out(LF);
                endOfLine();
                return;
            }
            bareCr();
        }
        if (c == CR) {
            pendingCr = true;
            return;
        }
        if (c == LF) {
            if (mode == 0) {
                mode = 1;
            }
            out(LF);
            endOfLine();
            return;
        }
        if (!csv && c == 0x1f) {
            markBad();
            out(' ');
            content(' ');
            return;
        }
        out(c);
        content(c);
    }

    /** A CR not followed by LF: the line ending of a CR-only file, else a character inside a line. */
    private void bareCr() throws IOException {
        if (mode == 0) {
            mode = 2;
        }
        if (mode == 2) {
            out(CR);
            endOfLine();
        } else if (inQuote) {
            out(CR); // DuckDB reads a CR inside quotes
            content(CR);
        } else {
            markBad();
            out(' ');
            content(' ');
        }
    }

    private void markBad() {
        openRecord();
        if (badField < 0) {
            badField = field;
        }
    }

    private void openRecord() {
        lineHasContent = true;
        if (!recordOpen) {
            recordOpen = true;
            recordStart = line;
            recordLines = 1;
            inQuote = false;
            afterQuote = false;
            skipToEndOfLine = false;
            fieldStart = true;
            field = 0;
            delimiterMatched = 0;
            badField = -1;
        }
    }

    private void content(int c) {
        openRecord();
        if (!csv || skipToEndOfLine) {
            return;
        }
        if (inQuote) {
            if (c == quote) {
                inQuote = false;
                afterQuote = true;
            }
            return;
        }
        if (afterQuote) {
            if (c == quote) {
                inQuote = true; // a doubled quote: one quote inside the field
                afterQuote = false;
                return;
            }
            if (isDelimiter(c)) {
                afterQuote = false;
                return;
            }
            if (c != ' ' && c != '\t') {
                skipToEndOfLine = true; // DuckDB rejects the record and reads on after this line
            }
            return;
        }
        if (c == quote && fieldStart) {
            inQuote = true;
            fieldStart = false;
            return;
        }
        if (isDelimiter(c)) {
            return;
        }
        if (c != ' ' && c != '\t') {
            fieldStart = false;
        }
    }

    /** Feeds c to the delimiter matcher; true (and a new field begins) when it completes one. */
    private boolean isDelimiter(int c) {
        if (delimiter.length == 1) {
            if (c == delimiter[0]) {
                field++;
                fieldStart = true;
                return true;
            }
            return false;
        }
        delimiterMatched = c == delimiter[delimiterMatched] ? delimiterMatched + 1 : c == delimiter[0] ? 1 : 0;
        if (delimiterMatched == delimiter.length) {
            delimiterMatched = 0;
            field++;
            fieldStart = true;
            return true;
        }
        return false;
    }

    private void endOfLine() {
        if (recordOpen && inQuote) {
            recordLines++; // a quoted line break: the record goes on
        } else if (recordOpen) {
            closeRecord();
        } else if (header && !headerDone) {
            headerDone = true; // a blank first line is the (empty) header
            headerLines++;
        } else {
            blanks.add(new Blank(records + 1, line));
        }
        line++;
        lineHasContent = false;
    }

    private void closeRecord() {
        recordOpen = false;
        if (header && !headerDone) {
            headerDone = true;
            headerLines += recordLines;
            return;
        }
        records++;
        if (recordLines > 1) {
            multiLines.add(new MultiLine(records, recordStart, recordLines));
        }
        if (badField >= 0) {
            badRecords.add(new BadRecord(records, recordStart, badField));
        }
    }

    private void end() throws IOException {
        if (pendingCr) {
            pendingCr = false;
            if (mode == 0) {
                mode = 2;
            }
            if (mode == 2 || !inQuote) {
                // a CR at the very end is the last line's ending
                out(CR);
                endOfLine();
            } else {
                out(CR);
                content(CR);
            }
        }
        if (recordOpen) {
            if (!lineHasContent) {
                recordLines--; // the quote never closed: the record ends with the file's last line
            }
            closeRecord();
        }
        physicalLines = lineHasContent ? line : line - 1;
    }
}
