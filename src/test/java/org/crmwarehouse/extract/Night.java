package org.crmwarehouse.extract;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
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
        List<String> rows = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(query)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    String v = rs.getString(i);
                    values.add(v == null ? "∅" : v);
                }
                rows.add(String.join("|", values));
            }
        }
        return rows;
    }
}
