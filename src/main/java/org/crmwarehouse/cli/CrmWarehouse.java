package org.crmwarehouse.cli;

import java.time.LocalDate;
import org.crmwarehouse.sql.DuckDbErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line: {@code crm-warehouse run|backfill|schedule|generate|status|sql|quarantine|docs|bench}. */
@Command(name = "crm-warehouse", mixinStandardHelpOptions = true, version = "crm-warehouse 0.1.0",
        description = "Nightly batch data warehouse for customer-relationship analytics.",
        subcommands = {RunCommand.class, BackfillCommand.class, ScheduleCommand.class, GenerateCommand.class,
                StatusCommand.class, SqlCommand.class, QuarantineCommand.class, DocsCommand.class,
                org.crmwarehouse.bench.BenchCommand.class,
                org.crmwarehouse.bench.FloorCommand.class})
public final class CrmWarehouse {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new CrmWarehouse());
        cli.setUsageHelpAutoWidth(true);
        for (CommandLine sub : cli.getSubcommands().values()) {
            sub.getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Show this help message and exit.").build());
        }
        // after the subcommands exist: picocli registers a converter with those already added
        cli.registerConverter(LocalDate.class, new DateOption());
        // A mistyped option or value is one line too, pointing at the command's --help.
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println("crm-warehouse: error: " + String.valueOf(e.getMessage()).replaceAll("\\s*\\R\\s*", " ").trim() + " (see 'crm-warehouse "
                    + (failed == cli ? "" : failed.getCommandName() + " ") + "--help')");
            return 2;
        });
        // A failure is one line on stderr with the cause and a non-zero exit code; the stack
        // trace only with CRM_WAREHOUSE_DEBUG set, for whoever needs to dig.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("crm-warehouse: error: " + DuckDbErrors.oneLine(e));
            if (System.getenv("CRM_WAREHOUSE_DEBUG") != null) {
                e.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        return cli;
    }
}
