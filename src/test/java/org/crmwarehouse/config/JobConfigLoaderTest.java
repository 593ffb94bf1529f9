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

    // issue 13, config

    /** YAML 1.2 reads an unquoted no/yes/on/off as text, which used to count as "true" for header. */
    @Test
    void yaml11BooleansAreRefusedWithTheirKeyAndLine() {
        for (String word : java.util.List.of("no", "yes", "on", "off", "No", "YES", "y", "N", "True", "FALSE")) {
            assertThatThrownBy(() -> load("name: j\nsources:\n  customers: c.csv\n  orders: {path: o.csv, header: "
                    + word + "}\n")).as(word).isInstanceOf(ConfigException.class)
                    .hasMessageEndingWith("job.yaml: sources.orders.header: '" + word + "' (line 4) is a YAML 1.1 "
                            + "boolean, which YAML 1.2 reads as text: write true or false (or quote it if you mean "
                            + "the text)");
        }
        assertThatThrownBy(() -> load("name: j\nsources: {customers: c.csv}\nparameters:\n  send_mail: off\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("parameters.send_mail: 'off' (line 4) is a YAML 1.1 boolean");
    }

    @Test
    void headerMustBeTrueOrFalse() throws Exception {
        assertThat(load("name: j\nsources:\n  orders: {path: o.csv, header: false}\n").sources().get("orders")
                .file().header()).isFalse();
        assertThat(load("name: j\nsources:\n  orders: {path: o.csv, header: true}\n").sources().get("orders")
                .file().header()).isTrue();
        // quoted, it is text and not a YAML 1.1 boolean; still not a boolean
        assertThatThrownBy(() -> load("name: j\nsources:\n  orders: {path: o.csv, header: 'no'}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("job.yaml: sources.orders.header must be true or false, not 'no'");
        // quoted text that looks like a YAML 1.1 boolean stays text where text is wanted (the Norway problem)
        assertThat(load("name: 'NO'\nsources: {customers: c.csv}\n").name()).isEqualTo("NO");
    }

    @Test
    void duplicateKeysAreRefusedAtAnyLevel() {
        assertThatThrownBy(() -> load("name: j\nsources:\n  orders: a.csv\n  customers: c.csv\n  orders: b.csv\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("job.yaml: duplicate key 'orders' (line 5): each key may appear once");
        assertThatThrownBy(() -> load("name: j\nsources: {customers: c.csv}\nname: k\n"))
                .isInstanceOf(ConfigException.class).hasMessageEndingWith("duplicate key 'name' (line 3): each key "
                        + "may appear once");
        assertThatThrownBy(() -> load("name: j\nsources:\n  orders: {path: a.csv, header: true, path: b.csv}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("duplicate key 'path' (line 3)");
    }

    // issue 16 item 4: config errors at load, in one line naming the file and key

    @Test
    void anUnknownModelParameterIsRefusedAtLoadWithTheNearestName() {
        assertThatThrownBy(() -> load("name: j\nsources: {customers: c.csv}\nparameters: {churn_inactive_dayz: 90}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("job.yaml")
                .hasMessageContaining("parameters.churn_inactive_dayz is not a model parameter")
                .hasMessageContaining("did you mean churn_inactivity_days?");
    }

    @Test
    void aModelParameterOfTheWrongTypeOrOutsideItsChoicesIsRefusedAtLoad() {
        assertThatThrownBy(() -> load("name: j\nsources: {customers: c.csv}\nparameters: {churn_inactivity_days: ninety}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("parameters.churn_inactivity_days must be a whole number (BIGINT), got 'ninety'");
        assertThatThrownBy(() -> load("name: j\nsources: {customers: c.csv}\nparameters: {churn_inactivity_days: 90.5}\n"))
                .hasMessageContaining("must be a whole number (BIGINT), got '90.5'");
        assertThatThrownBy(() -> load("name: j\nsources: {customers: c.csv}\nparameters: {value_vip_share: 5}\n"))
                .hasMessageContaining("parameters.value_vip_share must be from 0 to 1, got '5'");
        // 'P_ALIVE' used to reach SQL, where churn_definition = 'p_alive' is false: inactivity, silently
        assertThatThrownBy(() -> load("name: j\nsources: {customers: c.csv}\nparameters: {churn_definition: P_ALIVE}\n"))
                .hasMessageContaining("parameters.churn_definition must be one of [inactivity, p_alive], got 'P_ALIVE'");
        assertThatThrownBy(() -> load("name: j\nsources: {customers: c.csv}\nparameters: {value_time_unit: [week]}\n"))
                .hasMessageContaining("parameters.value_time_unit must be a single value (VARCHAR)");
    }

    @Test
    void rightModelParametersKeepTheirTypes() throws Exception {
        JobConfig c = load("name: j\nsources: {customers: c.csv}\n"
                + "parameters: {churn_inactivity_days: 90, churn_p_alive_threshold: 1, churn_definition: p_alive}\n");
        assertThat(c.parameters()).containsEntry("churn_inactivity_days", 90L)
                .containsEntry("churn_p_alive_threshold", 1L).containsEntry("churn_definition", "p_alive");
    }

    @Test
    void anUnknownKeyNamesTheNearestKnownOne() {
        assertThatThrownBy(() -> load("name: j\nsources: {customers: {path: c.csv, delimeter: ';'}}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'sources.customers.delimeter'; did you mean 'sources.customers.delimiter'?");
        assertThatThrownBy(() -> load("name: j\nsources: {customers: c.csv}\nreject_treshold: 5%\n"))
                .hasMessageContaining("did you mean 'reject_threshold'?");
    }

    // issue 14 item 2: pipelines with their own stages

    @Test
    void funnelStagesDefaultToTheAdCallFunnel() throws Exception {
        JobConfig c = load("name: j\nsources: {customers: c.csv}\n");
        assertThat(c.funnelStages().stages()).extracting(s -> s.name() + "=" + s.role().sqlName())
                .containsExactly("call=contact", "visit=qualify", "quote=propose", "deal=won", "lost=lost");
    }

    @Test
    void funnelStagesAreReadInOrderWithTheirRoles() throws Exception {
        JobConfig c = load("""
                name: j
                sources: {customers: c.csv}
                funnel_stages:
                  - {stage: Prospecting, role: open}
                  - {stage: Engaging, role: contact}
                  - {stage: Won, role: won}
                  - {stage: Lost, role: lost}
                """);
        assertThat(c.funnelStages().stages()).extracting(s -> s.order() + ":" + s.name() + "=" + s.role().sqlName())
                .containsExactly("1:Prospecting=open", "2:Engaging=contact", "3:Won=won", "4:Lost=lost");
    }

    @Test
    void badFunnelStagesAreRefusedAtLoadWithTheirKey() {
        String head = "name: j\nsources: {customers: c.csv}\nfunnel_stages:\n";
        assertThatThrownBy(() -> load(head + "  - {stage: New, role: open}\n  - {stage: Won, role: winning}\n"))
                .isInstanceOf(ConfigException.class).hasMessageEndingWith("job.yaml: funnel_stages[1].role 'winning' "
                        + "is not a role; expected one of [open, contact, qualify, propose, won, lost]");
        assertThatThrownBy(() -> load(head + "  - {stage: New, role: open}\n  - {stage: New, role: contact}\n"
                + "  - {stage: Won, role: won}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("job.yaml: funnel_stages[1].stage 'New' is listed twice; each stage once");
        assertThatThrownBy(() -> load(head + "  - {stage: New, role: open}\n  - {stage: Lost, role: lost}\n"))
                .isInstanceOf(ConfigException.class).hasMessageEndingWith("job.yaml: funnel_stages has no stage with "
                        + "role won: win rates and deals need one");
        assertThatThrownBy(() -> load(head + "  - {stage: Won, role: won}\n  - {stage: New, role: open}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("job.yaml: funnel_stages[0].role is won: "
                        + "the first stage must be open pipeline");
        assertThatThrownBy(() -> load(head + "  - {stage: New}\n  - {stage: Won, role: won}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("funnel_stages[0].role is required");
        assertThatThrownBy(() -> load(head + "  - {stage: New, role: open, colour: red}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'funnel_stages[0].colour'");
        assertThatThrownBy(() -> load(head + "  - {role: open}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("funnel_stages[0].stage is required");
        assertThatThrownBy(() -> load("name: j\nsources: {customers: c.csv}\nfunnel_stages: {stage: New}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("job.yaml: funnel_stages must be a list");
    }

    // issue 17 item 4: the morning report's labels

    @Test
    void reportLocaleIsEnglishByDefaultZhCnOnRequestAndNothingElse() throws Exception {
        assertThat(load("name: j\nsources: {customers: c.csv}\n").reportLocale()).isEqualTo("en");
        assertThat(load("name: j\nsources: {customers: c.csv}\nreport_locale: zh-CN\n").reportLocale()).isEqualTo("zh-CN");
        assertThatThrownBy(() -> load("name: j\nsources: {customers: c.csv}\nreport_locale: zh_CN\n"))
                .isInstanceOf(ConfigException.class).hasMessageEndingWith("job.yaml: report_locale 'zh_CN' is not a "
                        + "locale of the morning report; expected one of [en, zh-CN]");
        assertThatThrownBy(() -> load("name: j\nsources: {customers: c.csv}\nreport_local: en\n"))
                .hasMessageContaining("did you mean 'report_locale'?");
    }

    // issue 17 item 2, publish to PostgreSQL

    @Test
    void publishPostgresIsReadWithItsKeysAndIsAbsentByDefault() throws Exception {
        assertThat(load("name: j\nsources: {customers: c.csv}\n").publishPostgres()).isNull();
        JobConfig c = load("""
                name: j
                sources: {customers: c.csv}
                publish:
                  postgres: {url: "jdbc:postgresql://db:5432/bi", user: loader, password_env: BI_PASSWORD, schema: crm,
                             read_role: bi_read}
                """);
        PostgresPublishConfig p = c.publishPostgres();
        assertThat(p.connection()).isEqualTo(new PostgresConfig("jdbc:postgresql://db:5432/bi", "loader", "BI_PASSWORD"));
        assertThat(p.schema()).isEqualTo("crm");
        assertThat(p.readRole()).isEqualTo("bi_read");
    }

    @Test
    void publishPostgresRefusesUnknownKeysAPasswordInTheFileAndSchemasItMustNotReplace() {
        String head = "name: j\nsources: {customers: c.csv}\npublish:\n  postgres: ";
        assertThatThrownBy(() -> load(head + "{url: \"jdbc:postgresql://db/bi\", schema: crm, password: x}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'publish.postgres.password'")
                .hasMessageContaining("password_env");
        assertThatThrownBy(() -> load("name: j\nsources: {customers: c.csv}\npublish: {postgress: {}}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("did you mean 'publish.postgres'");
        assertThatThrownBy(() -> load(head + "{url: \"jdbc:mysql://db/bi\", schema: crm}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("publish.postgres.url must be a jdbc:postgresql:");
        assertThatThrownBy(() -> load(head + "{url: \"jdbc:postgresql://db/bi\"}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("publish.postgres.schema is required");
        for (String schema : new String[] {"public", "pg_catalog", "information_schema", "Crm", "crm-bi",
                "a234567890123456789012345678901234567890x"}) {
            assertThatThrownBy(() -> load(head + "{url: \"jdbc:postgresql://db/bi\", schema: \"" + schema + "\"}\n"))
                    .as(schema).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("publish.postgres.schema '" + schema + "'");
        }
        assertThatThrownBy(() -> load(head + "{url: \"jdbc:postgresql://db/bi\", schema: crm, read_role: public}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("publish.postgres.read_role 'public'");
    }

    // issue 19, the engine

    @Test
    void theEngineIsDuckDbUnlessTheConfigSaysSparkWithItsSettings() throws Exception {
        assertThat(load("name: j\nsources: {customers: c.csv}\n").engine()).isEqualTo("duckdb");
        JobConfig c = load("""
                name: j
                engine: spark
                spark: {master: "local[4]", settings: {spark.sql.shuffle.partitions: 8}}
                sources: {customers: c.csv}
                """);
        assertThat(c.onSpark()).isTrue();
        assertThat(c.spark().master()).isEqualTo("local[4]");
        assertThat(c.spark().settings()).containsExactly(java.util.Map.entry("spark.sql.shuffle.partitions", "8"));
        assertThat(c.withParameters(java.util.Map.of()).engine()).isEqualTo("spark");
        assertThat(load("name: j\nsources: {customers: c.csv}\n").withEngine("spark").onSpark()).isTrue();
        assertThat(c.spark().ingest()).isEqualTo("auto");
        assertThat(load("name: j\nspark: {ingest: spark}\nsources: {customers: c.csv}\n").spark().ingest())
                .isEqualTo("spark");
    }

    @Test
    void anUnknownEngineOrSettingIsRefusedAtLoad() {
        assertThatThrownBy(() -> load("name: j\nengine: sparkk\nsources: {customers: c.csv}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("engine 'sparkk' is not an engine")
                .hasMessageContaining("[duckdb, spark]");
        assertThatThrownBy(() -> load("name: j\nspark: {settings: {executors: 4}}\nsources: {customers: c.csv}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("spark.settings.executors");
        assertThatThrownBy(() -> load("name: j\nspark: {ingest: executors}\nsources: {customers: c.csv}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("spark.ingest 'executors' is not an ingest")
                .hasMessageContaining("[auto, driver, spark]");
        assertThatThrownBy(() -> load("name: j\nsources: {customers: c.csv}\n").withEngine("flink"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("engine 'flink'");
    }

    @Test
    void sparkRefusesWhatItDoesNotRunYet() {
        assertThatThrownBy(() -> load("""
                name: j
                engine: spark
                sources: {orders: {path: "o/*.csv", incremental: {files: new}}}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sources.orders.incremental is not supported with engine spark");
        assertThatThrownBy(() -> load("""
                name: j
                engine: spark
                publish: {postgres: {url: "jdbc:postgresql://h/db", user: u, password_env: P, schema: crm}}
                sources: {customers: c.csv}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("publish.postgres is not supported with engine spark");
    }
}
