package org.crmwarehouse.orchestrate;

import java.nio.file.Path;
import java.time.LocalDate;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.transform.ModelCatalog;
import org.springframework.batch.core.job.parameters.JobParameters;

/**
 * Everything a step needs, rebuilt from the job parameters alone, so that a step restarted in a
 * new process after a crash sees the same run. The work database keeps the state between steps.
 */
public record RunContext(JobConfig config, LocalDate businessDate, Contract contract, ModelCatalog catalog,
        java.util.Set<String> commandLineParameters) {

    public static final String BUSINESS_DATE = "business.date";
    public static final String JOB_NAME = "job.name";
    public static final String RERUN = "rerun";
    public static final String CONFIG_FILE = "config.file";
    /** The output folder (not identifying): two configs with one name and two outputs are refused. */
    public static final String OUTPUT = "output";
    /** Model parameters given on the command line (run --param), "name=value" a line (not identifying). */
    public static final String COMMAND_LINE_PARAMETERS = "parameters.command_line";
    /** The engine the night runs on (the config's, or run --engine; not identifying). */
    public static final String ENGINE = "engine";

    private static final Contract CONTRACT = Contract.standard();
    private static final ModelCatalog CATALOG = ModelCatalog.packaged(CONTRACT);

    public static RunContext of(JobParameters parameters) {
        JobConfig config = new JobConfigLoader(CONTRACT).load(Path.of(parameters.getString(CONFIG_FILE)));
        String engine = parameters.getString(ENGINE);
        if (engine != null && !engine.equals(config.engine())) {
            config = config.withEngine(engine);
        }
        java.util.Map<String, Object> commandLine = decodeParameters(parameters.getString(COMMAND_LINE_PARAMETERS));
        return new RunContext(config.withParameters(commandLine), parameters.getLocalDate(BUSINESS_DATE), CONTRACT,
                CATALOG, commandLine.keySet());
    }

    /** "name=value" lines, as {@link #encodeParameters} wrote them, typed and checked again. */
    static java.util.Map<String, Object> decodeParameters(String encoded) {
        java.util.Map<String, Object> values = new java.util.LinkedHashMap<>();
        if (encoded != null && !encoded.isEmpty()) {
            for (String line : encoded.split("\n")) {
                int eq = line.indexOf('=');
                values.put(line.substring(0, eq), JobConfigLoader.commandLineParameter(line.substring(0, eq),
                        line.substring(eq + 1)));
            }
        }
        return values;
    }

    /** The command-line parameters as one job parameter: "name=value" lines in the order given. */
    static String encodeParameters(java.util.Map<String, String> texts) {
        return String.join("\n", texts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    /** The Spark night's work state (see spark/SparkTables), beside the work database of its ingest bridge. */
    public Path sparkTablesFolder() {
        return sparkTablesFolder(config, businessDate);
    }

    static Path sparkTablesFolder(JobConfig config, LocalDate businessDate) {
        return config.workFolder(businessDate).resolve("spark-tables");
    }

    public Path workDatabase() {
        return config.workFolder(businessDate).resolve("build.duckdb");
    }
}
