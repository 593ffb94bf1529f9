package org.crmwarehouse.orchestrate;

import java.nio.file.Path;
import java.util.List;

/**
 * A night's own database file (the work database or the incremental state) is damaged: the
 * message names the file and what to do, in one line. It carries no cause, so the command line's
 * one-line error (the deepest message of a chain) is this one and not DuckDB's.
 */
public final class CorruptDatabaseException extends RuntimeException {
    /** DuckDB's words for a file cut short, overwritten or not a database at all. */
    private static final List<String> MARKERS = List.of("is not a valid DuckDB database file",
            "Could not read enough bytes from file", "Corrupt database file");

    private CorruptDatabaseException(String message) {
        super(message);
    }

    /** The failure as a corrupt-database error when DuckDB said so, else the failure itself. */
    static Exception explain(Exception failure, RunContext run) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (MARKERS.stream().noneMatch(message::contains)) {
                continue;
            }
            String duckdb = duckDbLine(message);
            Path work = run.workDatabase().toAbsolutePath();
            Path state = run.config().stateFolder().resolve("sources.duckdb").toAbsolutePath();
            String workHint = "delete the folder " + work.getParent() + " and run the night again (it starts again "
                    + "from extract)";
            String stateHint = "run again with --full to rebuild it from the sources";
            if (message.contains(work.toString())) {
                return new CorruptDatabaseException("the work database " + work + " is corrupt (" + duckdb + "): "
                        + workHint);
            }
            if (message.contains(state.toString())) {
                return new CorruptDatabaseException("the incremental state " + state + " is corrupt (" + duckdb
                        + "): " + stateHint);
            }
            // a bad checksum does not name its file
            return new CorruptDatabaseException("a database file of this night is corrupt (" + duckdb + "): if it is "
                    + "the work database " + work + ", " + workHint + "; if it is the incremental state " + state + ", "
                    + stateHint);
        }
        return failure;
    }

    private static String duckDbLine(String message) {
        int at = message.indexOf("IO Error: ");
        String line = at >= 0 ? message.substring(at + "IO Error: ".length()) : message;
        int nl = line.indexOf('\n');
        return (nl < 0 ? line : line.substring(0, nl)).trim();
    }
}
