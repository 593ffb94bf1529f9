package org.crmwarehouse.extract;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import org.crmwarehouse.config.FileSpec;

/**
 * What an input path is, checked before DuckDB opens it, so that a file the reader would
 * misread gets one line saying what it is and what to do: a broken or looping symbolic link, a
 * FIFO or device (which DuckDB would block on), a directory, compressed content under a name
 * without .gz, or UTF-16 text read as UTF-8 (which DuckDB reports as a missing header column).
 */
final class InputFileCheck {
    private InputFileCheck() {
    }

    static void check(FileSpec file, String source) {
        Path path = file.path();
        String where = source + ": " + path;
        if (Files.isSymbolicLink(path) && !Files.exists(path)) {
            try {
                path.toRealPath();
            } catch (FileSystemException e) {
                // ELOOP's text is "Too many levels of symbolic links"; a dangling link has none
                String reason = e.getReason() == null ? "" : e.getReason().toLowerCase(Locale.ROOT);
                throw new ExtractException(where + " is a symbolic link that "
                        + (reason.contains("levels") ? "loops back on itself" : "points to nothing")
                        + "; make it point to the input file, or give the file's own path");
            } catch (IOException e) {
                throw new ExtractException(where + " is a broken symbolic link (" + e.getMessage()
                        + "); make it point to the input file, or give the file's own path");
            }
        }
        if (!Files.exists(path)) {
            throw new ExtractException(source + ": input file not found: " + path);
        }
        if (Files.isDirectory(path)) {
            throw new ExtractException(where + " is a folder, not a file; give the path of the input file");
        }
        if (!Files.isRegularFile(path)) {
            // never opened: reading a FIFO would wait for a writer and hang the night
            throw new ExtractException(where + " is not a regular file (a FIFO, socket or device); "
                    + "copy the data into a file and point the source at it");
        }
        if (file.format() == FileSpec.FileFormat.PARQUET) {
            return;
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(path, LinkOption.values())) {
            head = in.readNBytes(64);
        } catch (IOException e) {
            throw new ExtractException(where + ": cannot be read: " + e.getMessage(), e);
        }
        String compression = compression(head);
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (compression != null && !(compression.equals("gzip") && name.endsWith(".gz"))) {
            throw new ExtractException(where + " is " + compression + "-compressed"
                    + (compression.equals("gzip")
                            ? ", but its name does not end in .gz: name it " + path.getFileName() + ".gz (read as "
                                    + "gzip), or decompress it"
                            : ", which is not read: decompress it (gzip, named .gz, is read as it is)"));
        }
        String declared = file.encoding().toLowerCase(Locale.ROOT).replace("_", "-");
        if (compression == null && !declared.startsWith("utf-16") && looksUtf16(head)) {
            throw new ExtractException(where + " looks like UTF-16 text (" + (hasUtf16Bom(head) ? "byte-order mark"
                    : "a NUL byte beside every character") + ") but is read as " + file.encoding()
                    + "; declare encoding: utf-16 for this source, or convert the file to UTF-8");
        }
    }

    /** The compression format named by the file's magic number, or null. */
    static String compression(byte[] b) {
        if (starts(b, 0x1f, 0x8b)) {
            return "gzip";
        }
        if (starts(b, 0x28, 0xb5, 0x2f, 0xfd)) {
            return "zstd";
        }
        if (starts(b, 'B', 'Z', 'h')) {
            return "bzip2";
        }
        if (starts(b, 0xfd, '7', 'z', 'X', 'Z', 0)) {
            return "xz";
        }
        if (starts(b, 'P', 'K', 3, 4)) {
            return "zip";
        }
        return null;
    }

    private static boolean hasUtf16Bom(byte[] b) {
        return starts(b, 0xff, 0xfe) || starts(b, 0xfe, 0xff);
    }

    /**
     * A UTF-16 byte-order mark, or (without one) text whose first characters are ASCII stored in
     * two bytes: a NUL in every even or every odd position. UTF-8 text never starts that way.
     */
    static boolean looksUtf16(byte[] b) {
        if (hasUtf16Bom(b)) {
            return true;
        }
        int pairs = b.length / 2;
        if (pairs < 2) {
            return false;
        }
        boolean evenNul = true;
        boolean oddNul = true;
        for (int i = 0; i < pairs * 2; i += 2) {
            evenNul &= b[i] == 0 && b[i + 1] != 0;
            oddNul &= b[i + 1] == 0 && b[i] != 0;
        }
        return evenNul || oddNul;
    }

    private static boolean starts(byte[] b, int... prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((b[i] & 0xff) != (prefix[i] & 0xff)) {
                return false;
            }
        }
        return true;
    }
}
