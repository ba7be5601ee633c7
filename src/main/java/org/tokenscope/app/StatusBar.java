package org.tokenscope.app;

import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/** The status line, the models loaded, a progress bar and Cancel while something runs. */
final class StatusBar extends HBox {

    final Label status = new Label();

    StatusBar(MainViewModel vm) {
        super(12);
        TaskStatus task = vm.status();
        status.textProperty().bind(task.statusProperty());
        status.setId("status");
        ProgressBar bar = progressBar(task);
        Button cancel = new Button("Cancel");
        cancel.setOnAction(e -> vm.cancel());
        cancel.visibleProperty().bind(task.busyProperty());
        Label models = new Label();
        models.setId("models");
        models.textProperty().bind(Bindings.concat("A: ", vm.slotA().stateProperty(),
                Bindings.when(vm.compareProperty()).then(Bindings.concat("\nB: ", vm.slotB().stateProperty())).otherwise("")));
        // both notes wrap instead of being cut: on a narrow window the bar grows a line, never hides the end
        for (Label label : List.of(status, models)) {
            label.setWrapText(true);
            label.setMinWidth(0);
            label.setMinHeight(Region.USE_PREF_SIZE);
            Tooltip tip = new Tooltip();
            tip.textProperty().bind(label.textProperty());
            tip.setWrapText(true);
            tip.setMaxWidth(600);
            label.setTooltip(tip);
        }
        status.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(status, Priority.ALWAYS);
        models.maxWidthProperty().bind(widthProperty().multiply(0.45));
        // at least a third of the bar, so the models' line wraps by words, not a character a line
        models.minWidthProperty().bind(Bindings.min(widthProperty().multiply(0.34), 460));
        // the bar and Cancel take no room while nothing runs
        bar.managedProperty().bind(bar.visibleProperty());
        cancel.managedProperty().bind(cancel.visibleProperty());
        models.setOpacity(0.75); // muted on either theme (a fixed grey vanished on the dark one)
        getChildren().addAll(status, models, bar, cancel);
        setAlignment(Pos.CENTER_LEFT);
        setPadding(new Insets(3, 8, 3, 8));
        setStyle("-fx-border-color: #ccc transparent transparent transparent;");
    }

    /** A bar that follows {@code task}: indeterminate while its progress is not known, hidden when idle. */
    static ProgressBar progressBar(TaskStatus task) {
        ProgressBar bar = new ProgressBar();
        bar.progressProperty().bind(Bindings.when(task.progressProperty().lessThan(0))
                .then(ProgressBar.INDETERMINATE_PROGRESS).otherwise(task.progressProperty()));
        bar.visibleProperty().bind(task.busyProperty());
        return bar;
    }
}
