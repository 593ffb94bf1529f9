package org.crmwarehouse.extract;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * The character sets of CSV input. DuckDB's reader knows UTF-8, UTF-16 and Latin-1 only (its
 * encodings extension cannot be installed here); any other charset Java knows (gb18030 and gbk,
 * as Chinese Excel and most Chinese CRMs write, windows-1252, shift_jis...) is transcoded to UTF-8
 * in Java, streaming, into the work folder, and DuckDB reads the copy: line breaks are kept, so
 * line numbers stay the file's. Also finds whether a file read as UTF-8 is UTF-8 at all, so an
 * undeclared GBK export fails with one line instead of a malformed row per line.
 */
final class TextEncoding {
    private static final int BUFFER = 1 << 16;

    private TextEncoding() {
    }

    /** The charset a declared {@code encoding:} names; unknown names are an error naming the key. */
    static Charset charset(String declared, String where) {
        String name = declared.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        if (name.equals("latin-1") || name.equals("latin1")) {
            return StandardCharsets.ISO_8859_1;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new ExtractException(where + ": encoding: " + declared + " is not a character set this Java knows "
                    + "(e.g. utf-8, utf-16, latin-1, gb18030, gbk, big5, windows-1252, shift_jis)");
        }
    }

    /** DuckDB's name of the charset when its CSV reader reads it itself, else null (transcode). */
    static String duckDbName(Charset charset) {
        if (charset.equals(StandardCharsets.UTF_8)) {
            return "utf-8";
        }
        if (charset.equals(StandardCharsets.UTF_16) || charset.equals(StandardCharsets.UTF_16LE)
                || charset.equals(StandardCharsets.UTF_16BE)) {
            return "utf-16";
        }
        if (charset.equals(StandardCharsets.ISO_8859_1)) {
            return "latin-1";
        }
        return null;
    }

    /**
     * Writes {@code source} (gzip-compressed when its name ends in .gz) decoded from {@code charset}
     * to {@code target} as UTF-8. A byte sequence that is not valid in the charset is an error naming
     * the file, its line and the key.
     */
    static void toUtf8(Path source, Charset charset, Path target, String where) {
        CharsetDecoder decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(source), BUFFER);
                InputStream in = source.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")
                        ? new GZIPInputStream(raw, BUFFER) : raw;
                OutputStream out = Files.newOutputStream(target)) {
            ByteBuffer bytes = ByteBuffer.allocate(BUFFER);
            CharBuffer chars = CharBuffer.allocate(BUFFER);
            ByteBuffer utf8 = ByteBuffer.allocate(BUFFER * 4);
            long line = 1;
            boolean end = false;
            while (true) {
                if (!end) {
                    int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                    if (n < 0) {
                        end = true;
                    } else {
                        bytes.position(bytes.position() + n);
                    }
                }
                bytes.flip();
                CoderResult result = decoder.decode(bytes, chars, end);
                boolean last = end && result.isUnderflow();
                if (last) {
                    decoder.flush(chars);
                }
                chars.flip();
                for (int i = chars.position(); i < chars.limit(); i++) {
                    line += chars.get(i) == '\n' ? 1 : 0;
                }
                // a surrogate pair cut by the buffer stays in chars for the next round
                encoder.encode(chars, utf8, last);
                if (last) {
                    encoder.flush(utf8);
                }
                out.write(utf8.array(), 0, utf8.position());
                utf8.clear();
                line -= countNewlines(chars); // still in chars, counted again next round
                chars.compact();
                if (result.isError()) {
                    int at = bytes.position();
                    StringBuilder hex = new StringBuilder();
                    for (int i = 0; i < result.length(); i++) {
                        hex.append(i == 0 ? "" : " ").append(String.format("%02X", bytes.get(at + i) & 0xff));
                    }
                    String name = charset.name().toLowerCase(Locale.ROOT);
                    throw new ExtractException(where + ": line " + line + " holds bytes " + hex + " that are not "
                            + name + " (encoding: " + name + "); check the encoding: key, or the file");
                }
                bytes.compact();
                if (last) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new ExtractException(where + ": cannot be transcoded to UTF-8: " + e.getMessage(), e);
        }
    }

    private static long countNewlines(CharBuffer chars) {
        long n = 0;
        for (int i = chars.position(); i < chars.limit(); i++) {
            n += chars.get(i) == '\n' ? 1 : 0;
        }
        return n;
    }

    /** The first byte of a file read as UTF-8 that is not UTF-8: its line, its value; or null. */
    record BadByte(long line, int value) {
    }

    /**
     * Whether a file read as UTF-8 is, as a whole, in another encoding: more than one line holds a
     * byte sequence that is not UTF-8, and such lines outnumber the lines whose non-ASCII text is
     * valid UTF-8. Then its first bad byte is returned, else null: a UTF-8 file with a stray bad
     * line keeps that line quarantined (MALFORMED_ROW) like any unreadable row.
     */
    static BadByte notUtf8(Path file) {
        long line = 1;
        long badLines = 0;
        long goodNonAsciiLines = 0;
        boolean lineBad = false;
        boolean lineNonAscii = false;
        BadByte first = null;
        int need = 0; // continuation bytes still expected
        int lead = 0; // the first byte of the sequence being read
        int lower = 0x80;
        int upper = 0xBF;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
                InputStream in = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")
                        ? new GZIPInputStream(raw, BUFFER) : raw) {
            byte[] buffer = new byte[BUFFER];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                for (int i = 0; i < n; i++) {
                    int b = buffer[i] & 0xff;
                    boolean bad = false;
                    if (need > 0) {
                        if (b >= lower && b <= upper) {
                            need--;
                            lower = 0x80;
                            upper = 0xBF;
                            continue;
                        }
                        // a sequence cut short: its first byte is the bad one; b itself is judged below
                        if (!lineBad) {
                            lineBad = true;
                            first = first == null ? new BadByte(line, lead) : first;
                        }
                        need = 0;
                    }
                    lead = b;
                    if (b >= 0x80) {
                        lineNonAscii = true;
                        if (b >= 0xC2 && b <= 0xDF) {
                            need = 1;
                        } else if (b >= 0xE0 && b <= 0xEF) {
                            need = 2;
                            lower = b == 0xE0 ? 0xA0 : 0x80;
                            upper = b == 0xED ? 0x9F : 0xBF;
                        } else if (b >= 0xF0 && b <= 0xF4) {
                            need = 3;
                            lower = b == 0xF0 ? 0x90 : 0x80;
                            upper = b == 0xF4 ? 0x8F : 0xBF;
                        } else {
                            bad = true;
                        }
                    }
                    if (bad && !lineBad) {
                        lineBad = true;
                        if (first == null) {
                            first = new BadByte(line, b);
                        }
                    }
                    if (b == '\n') {
                        badLines += lineBad ? 1 : 0;
                        goodNonAsciiLines += !lineBad && lineNonAscii ? 1 : 0;
                        lineBad = false;
                        lineNonAscii = false;
                        line++;
                    }
                }
            }
        } catch (IOException e) {
            throw new ExtractException(file + ": cannot be read: " + e.getMessage(), e);
        }
        badLines += lineBad || need > 0 ? 1 : 0;
        goodNonAsciiLines += !lineBad && need == 0 && lineNonAscii ? 1 : 0;
        return badLines > 1 && badLines > goodNonAsciiLines ? first : null;
    }

    /** The one-line error for a file read as UTF-8 that is in another encoding. */
    static ExtractException undeclared(String where, BadByte bad) {
        return new ExtractException(where + " is not UTF-8 text (line " + bad.line() + ": byte "
                + String.format("%02X", bad.value()) + "); declare its encoding for this source, e.g. encoding: "
                + "gb18030 for a Chinese export (GBK), windows-1252, shift_jis");
    }
}
