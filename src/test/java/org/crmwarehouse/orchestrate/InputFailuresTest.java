package org.crmwarehouse.orchestrate;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.sql.SQLException;
import org.crmwarehouse.extract.ExtractException;
import org.crmwarehouse.model.clv.ModelFitException;
import org.crmwarehouse.validate.QuarantineThresholdException;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.step.AbstractStep;

/**
 * A step that fails on its input is logged by its message alone: Spring Batch's stack trace of it
 * is dropped, while a failure of any other kind (a bug) keeps its stack trace.
 */
class InputFailuresTest {

    @Test
    void inputFailuresAreKnownByTheirKindOrTheirCause() {
        assertThat(InputFailures.isInputFailure(new ExtractException("orders.csv: input file not found"))).isTrue();
        assertThat(InputFailures.isInputFailure(new QuarantineThresholdException("above the threshold"))).isTrue();
        // a Java model's failure reaches the step wrapped by the model runner
        assertThat(InputFailures.isInputFailure(new SQLException("Java model mart_model_fit failed",
                new ModelFitException("BG/NBD", "no purchase patterns to fit", null)))).isTrue();
        assertThat(InputFailures.isInputFailure(new IllegalStateException("a bug"))).isFalse();
        assertThat(InputFailures.isInputFailure(new SQLException("Binder Error: column x not found"))).isFalse();
    }

    @Test
    void springBatchsStackTraceIsDroppedForInputFailuresOnly() {
        LoggerContext context = new LoggerContext();
        context.addTurboFilter(new InputFailures.StackTraceFilter());
        context.start();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(context);
        appender.start();
        Logger step = context.getLogger(AbstractStep.class);
        step.addAppender(appender);
        Logger other = context.getLogger("org.springframework.batch.core.job.AbstractJob");
        other.addAppender(appender);

        step.error("Encountered an error executing step extract in job nightly", new ExtractException("missing file"));
        step.error("Encountered an error executing step transform in job nightly", new IllegalStateException("bug"));
        step.error("Encountered an error saving batch meta data");
        other.error("some other logger", new ExtractException("missing file"));

        assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "Encountered an error executing step transform in job nightly",
                "Encountered an error saving batch meta data",
                "some other logger");
    }
}
