package org.crmwarehouse.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine;

/** Runs the real command line in-process and captures its exit code, stdout and stderr. */
final class Cli {
    record Result(int exit, String out, String err) {
        /** Non-blank lines of stderr. */
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private Cli() {
    }

    static Result run(String... args) {
        return run(cli -> { }, args);
    }

    static synchronized Result run(Consumer<CommandLine> customise, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        System.setOut(outStream);
        System.setErr(errStream);
        int exit;
        try {
            CommandLine cli = CrmWarehouse.commandLine();
            cli.setErr(new PrintWriter(errStream, true));
            customise.accept(cli);
            exit = cli.execute(args);
        } finally {
            outStream.flush();
            errStream.flush();
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        Result r = new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        if (r.exit() != 0) {
            oldOut.println("[cli " + String.join(" ", args) + "] exit " + exit + ", stderr: " + r.err().strip());
        }
        return r;
    }
}
