package org.crmwarehouse.orchestrate;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import org.crmwarehouse.config.ConfigException;
import org.crmwarehouse.extract.ExtractException;
import org.crmwarehouse.model.clv.ModelFitException;
import org.crmwarehouse.transform.ModelRunner;
import org.crmwarehouse.validate.QuarantineThresholdException;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.springframework.batch.core.step.AbstractStep;

/**
 * Failures of a night caused by its input or its configuration, not by a bug: a missing file, a
 * night out of order, a quarantine above its threshold, a failed data test, a model that cannot be
 * fitted on the data. Their messages say what is wrong and where, so the log gives them in one
 * line (see {@link NightlyJobConfiguration}); Spring Batch's stack trace of them is dropped, and
 * every other failure keeps it.
 */
final class InputFailures {
    private static final List<Class<? extends Throwable>> KINDS = List.of(ConfigException.class,
            ExtractException.class, QuarantineThresholdException.class, ModelRunner.DataTestException.class,
            ModelFitException.class, CorruptDatabaseException.class,
            org.crmwarehouse.model.CustomerHistoryModel.NightOrderException.class);

    private InputFailures() {
    }

    /** The failure, or one of its causes (a Java model's failure reaches the step wrapped), is of an input kind. */
    static boolean isInputFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Throwable current = t;
            if (KINDS.stream().anyMatch(kind -> kind.isInstance(current))) {
                return true;
            }
        }
        return false;
    }

    /** Once per logging context (Boot re-initialises it when an application context starts). */
    static void dropTheirStackTraces() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
                && context.getTurboFilterList().stream().noneMatch(StackTraceFilter.class::isInstance)) {
            context.addTurboFilter(new StackTraceFilter());
        }
    }

    /** Denies AbstractStep's "Encountered an error executing step" event when its exception is an input failure. */
    static final class StackTraceFilter extends TurboFilter {
        @Override
        public FilterReply decide(Marker marker, ch.qos.logback.classic.Logger logger, Level level, String format,
                Object[] params, Throwable t) {
            return t != null && AbstractStep.class.getName().equals(logger.getName()) && isInputFailure(t)
                    ? FilterReply.DENY : FilterReply.NEUTRAL;
        }
    }
}
