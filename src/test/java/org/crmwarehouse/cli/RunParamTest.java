package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run --param name=value (issue 15 item 5): checked like a config's parameters: (name, type,
 * allowed values, bounds) before anything runs, a usage error (exit 2) in one line. The night it
 * sets is covered by FitFailureNightTest (warehouse_parameters says 'command line').
 */
class RunParamTest {

    @TempDir
    Path tmp;

    @Test
    void aWrongParameterIsAUsageErrorBeforeAnythingRuns() throws Exception {
        Path config = Files.writeString(tmp.resolve("job.yaml"), """
                name: params
                business_date: 2026-03-31
                output: out
                sources:
                  orders: {path: orders.csv}
                """);
        Cli.Result bound = Cli.run("run", "--config", config.toString(), "--param", "value_horizon_periods=0");
        assertThat(bound.exit()).isEqualTo(2);
        assertThat(bound.errLines()).singleElement().asString()
                .contains("--param value_horizon_periods must be from 1 to 10000, got '0'");
        Cli.Result typo = Cli.run("run", "--config", config.toString(), "--param", "value_horizon_perods=26");
        assertThat(typo.exit()).isEqualTo(2);
        assertThat(typo.err()).contains("--param value_horizon_perods is not a model parameter; did you mean "
                + "value_horizon_periods?");
        Cli.Result choice = Cli.run("run", "--config", config.toString(), "--param", "value_on_fit_failure=ignore");
        assertThat(choice.exit()).isEqualTo(2);
        assertThat(choice.err()).contains("--param value_on_fit_failure must be one of [warn, skip, fail], got 'ignore'");
        Cli.Result type = Cli.run("run", "--config", config.toString(), "--param", "value_vip_share=many");
        assertThat(type.err()).contains("--param value_vip_share must be a number (DOUBLE), got 'many'");
        Cli.Result shape = Cli.run("run", "--config", config.toString(), "--param", "value_vip_share");
        assertThat(shape.exit()).isEqualTo(2);
        assertThat(Files.exists(tmp.resolve("out"))).isFalse();
    }
}
