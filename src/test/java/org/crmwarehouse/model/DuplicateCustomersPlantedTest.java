package org.crmwarehouse.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.Set;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.extract.SourceExtractor;
import org.crmwarehouse.generate.DataGenerator;
import org.crmwarehouse.generate.GeneratorOptions;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.crmwarehouse.transform.ModelCatalog;
import org.crmwarehouse.transform.ModelRunner;
import org.crmwarehouse.validate.ContractValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mart_duplicate_customers against known truth: the generator plants near-copies of 3% of the
 * customers (typo in the name, phone written differently, another owner; planted_duplicates.csv),
 * and the found pairs are scored by precision (found pairs that were planted) and recall (planted
 * pairs found). The truth comes from the generator, not from the model.
 */
class DuplicateCustomersPlantedTest {

    @TempDir
    Path tmp;

    @Test
    void findsPlantedDuplicatesWithGoodPrecisionAndRecall() throws Exception {
        Path data = tmp.resolve("data");
        new DataGenerator(new GeneratorOptions(2000, 7, data, 0, LocalDate.of(2026, 6, 30), 0.03))
                .run(new PrintStream(OutputStream.nullOutputStream()));
        Path job = tmp.resolve("job.yaml");
        Files.writeString(job, "name: planted_duplicates\nbusiness_date: 2026-06-30\noutput: out\nsources:\n"
                + "  customers: {path: data/customers.csv}\n");
        Contract contract = Contract.standard();
        JobConfig config = new JobConfigLoader(contract).load(job);
        Set<String> found = new HashSet<>();
        Set<String> planted = new HashSet<>();
        try (Connection db = Db.inMemory()) {
            new SourceExtractor(contract).extract(db, config);
            new ContractValidator(contract).validate(db, config, config.businessDate());
            new ModelRunner(ModelCatalog.packaged(contract)).run(db, config.businessDate(), config.parameters());
            try (Statement s = db.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT customer_id, duplicate_customer_id FROM mart_duplicate_customers")) {
                    while (rs.next()) found.add(rs.getString(1) + "|" + rs.getString(2));
                }
                try (ResultSet rs = s.executeQuery("SELECT customer_id, duplicate_customer_id FROM read_csv("
                        + Sql.literal(data.resolve("planted_duplicates.csv")) + ", header=true, all_varchar=true)")) {
                    while (rs.next()) planted.add(rs.getString(1) + "|" + rs.getString(2));
                }
            }
        }
        Set<String> hits = new HashSet<>(found);
        hits.retainAll(planted);
        double precision = (double) hits.size() / found.size();
        double recall = (double) hits.size() / planted.size();
        System.out.printf("mart_duplicate_customers vs planted truth: %d planted, %d found, %d correct:"
                + " precision %.3f, recall %.3f%n", planted.size(), found.size(), hits.size(), precision, recall);
        assertThat(planted).hasSizeGreaterThan(30);
        assertThat(precision).as("precision").isGreaterThanOrEqualTo(0.8);
        assertThat(recall).as("recall").isGreaterThanOrEqualTo(0.7);
    }
}
