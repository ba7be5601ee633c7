package org.tokenscope.app;

import javafx.scene.layout.BorderPane;
import org.tokenscope.service.Figures;

/**
 * The Generate tab's beam search as a tree: every candidate of every step, the returned beams
 * highlighted, finished hypotheses marked, pruned ones faded. Empty for greedy decoding and sampling.
 */
public final class BeamTreeView extends BorderPane {

    final FigureView figure = new FigureView();

    public BeamTreeView(GenerateViewModel vm) {
        setId("beam-tree");
        setCenter(figure);
        figure.setPlaceholder("Pick “beam” and press Generate: the tree of every candidate the beams considered shows here.");
        figure.setMetadata(vm.main()::exportMetadata);
        vm.resultProperty().addListener((o, x, result) -> {
            boolean tree = result != null && result.beamTree() != null;
            MainViewModel main = vm.main();
            figure.factoryProperty().set(!tree ? null : w -> Figures.beamTree(vm.promptProperty().get(),
                    main.slotA().nameProperty().get(), result, main.figureOptions(w), main.exportMetadata()));
        });
    }
}
