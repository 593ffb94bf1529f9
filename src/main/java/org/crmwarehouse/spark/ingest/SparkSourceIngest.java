package org.crmwarehouse.spark.ingest;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.spark.SparkIngest;
import org.crmwarehouse.spark.SparkTables;
import org.crmwarehouse.validate.SourceAudit;

/**
 * The Spark night's extract and validate: sources read by Spark ({@link SparkSourceReader}),
 * checked by the contract in Spark SQL ({@link SparkContractValidator}), the reject threshold
 * applied as on DuckDB ({@link SparkQuarantinePolicy}). Both steps write only into {@code tables},
 * so a step run again rewrites what it wrote before.
 */
public final class SparkSourceIngest implements SparkIngest {
    @Override
    public void extract(JobConfig config, LocalDate businessDate, Contract contract, Path workFolder,
            SparkTables tables) throws Exception {
        new SparkSourceReader(contract).read(tables, config, businessDate);
    }

    @Override
    public void validate(JobConfig config, LocalDate businessDate, Contract contract, Path workFolder,
            SparkTables tables) throws Exception {
        List<SourceAudit> audits = new SparkContractValidator(contract).validate(tables, config, businessDate);
        SparkQuarantinePolicy.enforce(tables.spark(), config, audits);
    }
}
