package org.tokenscope;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Holds the lines of STYLE.md's one-way data flow so nobody crosses them by accident. */
class ArchitectureTest {

    static final JavaClasses PRODUCT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.tokenscope");

    @Test
    void onlyTheModelPackageTouchesDjl() {
        noClasses().that().resideOutsideOfPackages("org.tokenscope.model..")
                .should().dependOnClassesThat().resideInAPackage("ai.djl..")
                .check(PRODUCT);
    }

    @Test
    void analysisAndGenerationArePlainJava() {
        noClasses().that().resideInAnyPackage("org.tokenscope.analysis..", "org.tokenscope.generate..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.djl..", "javafx..", "org.tokenscope.model..",
                        "org.tokenscope.app..", "org.tokenscope.cli..", "org.tokenscope.figure..")
                .check(PRODUCT);
    }

    @Test
    void figuresDrawForEveryTargetWithoutJavaFx() {
        noClasses().that().resideInAPackage("org.tokenscope.figure..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "ai.djl..", "org.tokenscope.app..",
                        "org.tokenscope.cli..", "org.tokenscope.model..")
                .check(PRODUCT);
    }

    @Test
    void theCommandLineNeedsNoWindow() {
        noClasses().that().resideInAnyPackage("org.tokenscope.cli..", "org.tokenscope.service..", "org.tokenscope.hub..",
                        "org.tokenscope.remote..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.tokenscope.app..")
                .check(PRODUCT);
    }

    @Test
    void theModelKnowsNothingOfWhatIsBuiltOnIt() {
        noClasses().that().resideInAPackage("org.tokenscope.model..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.tokenscope.app..",
                        "org.tokenscope.cli..", "org.tokenscope.figure..", "org.tokenscope.service..")
                .check(PRODUCT);
    }
}
