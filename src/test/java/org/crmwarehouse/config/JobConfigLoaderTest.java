package org.crmwarehouse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.crmwarehouse.contract.Contract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigLoaderTest {
    @TempDir
    Path tmp;

    private JobConfig load(String yaml) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("jobs"));
        Path file = dir.resolve("job.yaml");
        Files.writeString(file, yaml);
        return new JobConfigLoader(Contract.standard()).load(file);
    }

    @Test
    void relativePathsResolveAgainstTheConfigFolder() throws Exception {
        JobConfig c = load("""
                name: j
                business_date: 2026-06-30
                output: ../var/out
                raw: {legacy: {path: legacy/export.csv, delimiter: ';'}}
                sources:
                  customers: ../data/customers.csv
                  orders: {path: sub/orders.jsonl}
                """);
        Path jobs = tmp.resolve("jobs").toAbsolutePath().normalize();
        assertThat(c.output()).isEqualTo(tmp.resolve("var/out").toAbsolutePath().normalize());
        assertThat(c.sources().get("customers").file().path()).isEqualTo(tmp.resolve("data/customers.csv").toAbsolutePath().normalize());
        assertThat(c.sources().get("orders").file().path()).isEqualTo(jobs.resolve("sub/orders.jsonl"));
        assertThat(c.sources().get("orders").file().format()).isEqualTo(FileSpec.FileFormat.JSONL);
        assertThat(c.raw().get("legacy").path()).isEqualTo(jobs.resolve("legacy/export.csv"));
        assertThat(c.raw().get("legacy").delimiter()).isEqualTo(";");
        assertThat(c.businessDate()).isEqualTo(LocalDate.of(2026, 6, 30));
    }

    @Test
    void aBadDateNamesTheFileAndTheValue() {
        assertThatThrownBy(() -> load("name: j\nbusiness_date: 2026-02-30\nsources: {customers: c.csv}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("job.yaml").hasMessageContaining("2026-02-30");
    }

    @Test
    void mappingIsAcceptedWhenItIsOneQuery() throws Exception {
        JobConfig c = load("name: j\nsources:\n  customers: {mapping: \"select 'a;b' as customer_id; \"}\n");
        assertThat(c.sources().get("customers").mapping()).isEqualTo("select 'a;b' as customer_id");
    }
}
