package org.crmwarehouse.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.extract.SourceExtractor;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.transform.ModelCatalog;
import org.crmwarehouse.transform.ModelRunner;
import org.crmwarehouse.validate.ContractValidator;
import org.junit.jupiter.api.Assumptions;

/** Shared plumbing of the acceptance tests on ../shared/datasets: run a job in memory, read the files in plain Java. */
public final class RealData {
    static final Path DATASETS = Path.of("../shared/datasets");

    private RealData() {
    }

    /** The path of a dataset file; skips the test when ../shared/datasets is absent. */
    static Path dataset(String name) {
        Path p = DATASETS.resolve(name);
        Assumptions.assumeTrue(Files.exists(p), "../shared/datasets absent: " + p + " not found, test skipped");
        return p;
    }

    /** extract + validate + transform (every model and its data tests) of a job config in an in-memory DuckDB. */
    public static Connection run(String job) throws Exception {
        Contract contract = Contract.standard();
        JobConfig config = new JobConfigLoader(contract).load(Path.of(job));
        Connection db = Db.inMemory();
        try {
            new SourceExtractor(contract).extract(db, config);
            new ContractValidator(contract).validate(db, config, config.businessDate());
            new ModelRunner(ModelCatalog.packaged(contract)).run(db, config.businessDate(), config.parameters());
            return db;
        } catch (Exception e) {
            db.close();
            throw e;
        }
    }

    /** Rows of a delimited file with a header line (skipped), one record per line, "..." quoting. */
    public static List<List<String>> rows(Path file, char delimiter) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int width = fields(lines.get(0), delimiter).size();
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                List<String> f = fields(line, delimiter);
                assertThat(f).as("fields of " + line).hasSize(width);
                rows.add(f);
            }
        }
        return rows;
    }

    private static List<String> fields(String line, char delimiter) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == delimiter) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
