package org.crmwarehouse.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Debian's chromium, headless, for the morning report's browser tests ({@code .ci/run} installs it).
 * No network is reachable by the page beyond what it inlines; the switches keep chromium from
 * calling home, so a page that needed the network would show it as an error.
 */
public final class HeadlessChromium {
    private static final Pattern STATUS = Pattern.compile("<pre id=\"render-status\">(.*?)</pre>", Pattern.DOTALL);

    private final Path executable;

    private HeadlessChromium(Path executable) {
        this.executable = executable;
    }

    /** The chromium on PATH (chromium, chromium-browser, google-chrome), or the test is skipped with a message. */
    public static HeadlessChromium findOrSkip() {
        Optional<Path> found = find();
        Assumptions.assumeTrue(found.isPresent(), "no chromium on PATH (apt-get install -y chromium; .ci/run "
                + "installs it): the morning report's browser test is skipped");
        return new HeadlessChromium(found.get());
    }

    static Optional<Path> find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** The DOM after the page's scripts ran (virtual time lets the charts finish without waiting for it). */
    public String dumpDom(Path page, Path profile) throws IOException, InterruptedException {
        return run(profile, List.of("--dump-dom", "--virtual-time-budget=5000", page.toUri().toString()));
    }

    /** A PNG screenshot of the page at the given window size. */
    public void screenshot(Path page, Path profile, Path png, int width, int height) throws IOException, InterruptedException {
        Files.createDirectories(png.getParent());
        Files.deleteIfExists(png);
        run(profile, List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars", "--virtual-time-budget=5000", page.toUri().toString()));
        assertThat(png).as("chromium wrote the screenshot").exists();
    }

    /** The page's own record of its charts and errors (see the render-status element of the template). */
    public static Map<String, Object> renderStatus(String dom) {
        Matcher m = STATUS.matcher(dom);
        assertThat(m.find()).as("the dumped DOM has the render-status element").isTrue();
        String text = m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&amp;", "&");
        assertThat(text).as("the page's script wrote its status (it ran)").isNotBlank();
        return JsonMapper.builder().build().readValue(text, new TypeReference<Map<String, Object>>() { });
    }

    private String run(Path profile, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(executable.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps", "--mute-audio",
                "--user-data-dir=" + profile.toAbsolutePath()));
        command.addAll(args);
        Path out = Files.createTempFile(profile.getParent(), "chromium", ".out");
        Path err = Files.createTempFile(profile.getParent(), "chromium", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 90 s: " + command);
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("chromium exit; stderr: %s", Files.readString(err, StandardCharsets.UTF_8))
                .isZero();
        return stdout;
    }
}
