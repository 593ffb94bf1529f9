package org.crmwarehouse.extract;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.List;
import org.crmwarehouse.sql.QueryRows;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.validate.ContractValidator;

/** Extract + validate in memory for a job.yaml written by a test. */
final class Night {
    static final LocalDate DATE = LocalDate.of(2026, 3, 31);

    private Night() {
    }

    static JobConfig config(Path dir, String sourcesYaml) throws Exception {
        Path file = dir.resolve("job.yaml");
        Files.writeString(file, "name: t\nbusiness_date: 2026-03-31\nsources:\n" + sourcesYaml);
        return new JobConfigLoader(Contract.standard()).load(file);
    }

    static void extractAndValidate(Connection db, JobConfig config) throws Exception {
        Contract contract = Contract.standard();
        new SourceExtractor(contract).extract(db, config);
        new ContractValidator(contract).validate(db, config, DATE);
    }

    /** Rows as "a|b|c" (NULL as "∅"). */
    static List<String> rows(Connection db, String query) throws Exception {
        return QueryRows.of(db, query, "|", "∅");
    }
}
