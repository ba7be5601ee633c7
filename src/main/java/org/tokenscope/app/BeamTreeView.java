package org.tokenscope.app;

import javafx.scene.layout.BorderPane;
import org.tokenscope.figure.DataExport;
import org.tokenscope.figure.TreeFigure;

/**
 * The Generate tab's beam search as a tree: every candidate of every step, the returned beams
 * highlighted, finished hypotheses marked, pruned ones faded. Empty for greedy decoding and sampling.
 */
public final class BeamTreeView extends BorderPane {

    final FigureView figure = new FigureView();

    public BeamTreeView(MainViewModel vm) {
        setId("beam-tree");
        setCenter(figure);
        vm.generationResultProperty().addListener((o, x, result) -> {
            boolean tree = result != null && result.beamTree() != null;
            figure.factoryProperty().set(!tree ? null : w -> TreeFigure.beams(vm.promptProperty().get(),
                    vm.slotA().nameProperty().get(), result, vm.figureOptions(w), vm.exportMetadata()));
            figure.setData(() -> tree ? DataExport.beamTree(result.beamTree()) : null);
            figure.setMetadata(vm::exportMetadata);
            figure.refresh();
        });
    }
}
