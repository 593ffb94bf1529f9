package org.crmwarehouse.bench;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.transform.ModelCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code crm-warehouse bench-floor}: one floor night (see {@link FloorNight}) in this JVM. Hidden:
 * {@code bench --floor} starts it in a child JVM, as it starts the nightly job, so that both sides
 * are whole processes measured the same way.
 */
@Command(name = "bench-floor", hidden = true,
        description = "Run the job's SQL bare (the floor of bench --floor): load, models, Parquet.")
public final class FloorCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, description = "The job config whose sources to read.")
    Path config;

    @Option(names = "--work", required = true, description = "Folder for the floor's DuckDB file and marts/ (replaced).")
    Path work;

    @Override
    public Integer call() throws Exception {
        Contract contract = Contract.standard();
        var job = new JobConfigLoader(contract).load(config);
        new FloorNight(job, contract, ModelCatalog.packaged(contract), System.out).run(work.toAbsolutePath().normalize());
        return 0;
    }
}
