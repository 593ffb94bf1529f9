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
public record RunContext(JobConfig config, LocalDate businessDate, Contract contract, ModelCatalog catalog) {

    public static final String BUSINESS_DATE = "business.date";
    public static final String JOB_NAME = "job.name";
    public static final String RERUN = "rerun";
    public static final String CONFIG_FILE = "config.file";
    /** The output folder (not identifying): two configs with one name and two outputs are refused. */
    public static final String OUTPUT = "output";

    private static final Contract CONTRACT = Contract.standard();
    private static final ModelCatalog CATALOG = ModelCatalog.packaged(CONTRACT);

    public static RunContext of(JobParameters parameters) {
        JobConfig config = new JobConfigLoader(CONTRACT).load(Path.of(parameters.getString(CONFIG_FILE)));
        return new RunContext(config, parameters.getLocalDate(BUSINESS_DATE), CONTRACT, CATALOG);
    }

    public Path workDatabase() {
        return config.workFolder(businessDate).resolve("build.duckdb");
    }
}
