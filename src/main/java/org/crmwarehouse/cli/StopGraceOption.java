package org.crmwarehouse.cli;

import java.time.Duration;
import org.crmwarehouse.orchestrate.GracefulStop;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** {@code --stop-grace}: how long a night may go on after SIGTERM (see {@link GracefulStop}). */
final class StopGraceOption {
    @Option(names = "--stop-grace", paramLabel = "DURATION", defaultValue = "10m", converter = Parser.class,
            description = "After SIGTERM, how long the running night may go on before it stops at its next step "
                    + "boundary (a second SIGTERM stops it there at once): e.g. 90s, 10m, 1h, 0. "
                    + "Default ${DEFAULT-VALUE}.")
    Duration grace = GracefulStop.DEFAULT_GRACE;

    GracefulStop install() {
        return GracefulStop.install(grace);
    }

    static final class Parser implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return GracefulStop.parse(value);
        }
    }
}
