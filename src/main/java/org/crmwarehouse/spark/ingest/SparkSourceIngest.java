package org.crmwarehouse.spark.ingest;

import java.util.List;
import org.crmwarehouse.orchestrate.RunContext;
import org.crmwarehouse.spark.SparkIngest;
import org.crmwarehouse.spark.SparkTables;
import org.crmwarehouse.validate.SourceAudit;

/**
 * The Spark night's extract and validate: sources read by Spark ({@link SparkSourceReader}),
 * checked by the contract in Spark SQL ({@link SparkContractValidator}), the reject threshold
 * applied as on DuckDB ({@link SparkQuarantinePolicy}).
 */
public final class SparkSourceIngest implements SparkIngest {
    @Override
    public void ingest(SparkTables tables, RunContext run) throws Exception {
        new SparkSourceReader(run.contract()).read(tables, run.config(), run.businessDate());
        List<SourceAudit> audits = new SparkContractValidator(run.contract()).validate(tables, run.config(),
                run.businessDate());
        SparkQuarantinePolicy.enforce(tables.spark(), run.config(), audits);
    }
}
