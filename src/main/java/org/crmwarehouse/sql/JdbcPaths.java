package org.crmwarehouse.sql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Folders as JDBC URLs can name them. DuckDB's and H2's drivers both read what follows a
 * {@code ;} in a URL as connection options, with no escape, so a folder whose path holds one is
 * reached through a symbolic link to it, without one, under the temporary folder. The link is the
 * folder itself, so every file the driver writes beside its database (WAL, lock, spill files)
 * lands beside the real one.
 */
public final class JdbcPaths {
    private JdbcPaths() {
    }

    /**
     * {@code folder} itself when its absolute path holds no ';', else a link to it that does not
     * (creating the folder then, so that the link is never dangling).
     */
    public static Path withoutSemicolon(Path folder) throws IOException {
        Path absolute = folder.toAbsolutePath().normalize();
        if (absolute.toString().indexOf(';') < 0) {
            return absolute;
        }
        Path links = Path.of(System.getProperty("java.io.tmpdir"), "crm-warehouse-links-" + System.getProperty("user.name"));
        if (links.toString().indexOf(';') >= 0) {
            throw new IOException("cannot reach " + absolute + ": its path holds ';', which JDBC URLs cannot carry, "
                    + "and so does the temporary folder " + links.getParent());
        }
        Files.createDirectories(links);
        // the folder must exist: a driver that creates it would find a dangling link in its way
        Files.createDirectories(absolute);
        String name;
        try {
            name = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(absolute.toString().getBytes(StandardCharsets.UTF_8)), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path link = links.resolve(name);
        if (!Files.isSymbolicLink(link) || !Files.readSymbolicLink(link).equals(absolute)) {
            Path tmp = links.resolve(name + "." + ProcessHandle.current().pid() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, absolute);
            Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return link;
    }
}
