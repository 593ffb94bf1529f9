package org.crmwarehouse.orchestrate;

import java.util.LinkedHashMap;
import java.util.Map;
import org.crmwarehouse.config.RepositoryConfig;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * The Spring Boot application that hosts the batch jobs. Boot configures the JobRepository on
 * the configured database (creating Spring Batch's tables on first use) and the JobOperator.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({NightlyJobConfiguration.class, NightlyLauncher.class})
public class WarehouseApplication {

    public static ConfigurableApplicationContext start(RepositoryConfig repository) {
        RepositorySafety.checkOpens(repository);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("spring.datasource.url", repository.url());
        properties.put("spring.datasource.username", repository.user() == null ? "" : repository.user());
        properties.put("spring.datasource.password", repository.password());
        properties.put("spring.datasource.hikari.maximum-pool-size", "4");
        properties.put("spring.batch.job.enabled", "false");
        properties.put("spring.batch.jdbc.initialize-schema", "always");
        properties.put("spring.main.banner-mode", "off");
        // Commands close the context themselves; Boot's hook would close it under a running night on SIGTERM.
        properties.put("spring.main.register-shutdown-hook", "false");
        properties.put("logging.register-shutdown-hook", "false");
        properties.put("spring.main.log-startup-info", "false");
        properties.put("logging.level.root", "WARN");
        properties.put("logging.level.org.crmwarehouse", "INFO");
        // Spark warns on every unpartitioned window (ranks over a whole mart), by design in our models
        properties.put("logging.level.org.apache.spark.sql.execution.window", "ERROR");
        properties.put("logging.pattern.console", "%d{HH:mm:ss} %msg%n");
        ConfigurableApplicationContext context = new SpringApplicationBuilder(WarehouseApplication.class)
                .web(WebApplicationType.NONE)
                .properties(properties)
                .run();
        InputFailures.dropTheirStackTraces();
        return context;
    }
}
