package org.tokenscope.app;

import java.util.Optional;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.stage.Window;
import org.tokenscope.remote.Connection;
import org.tokenscope.remote.KeySource;

/**
 * Asks for a remote server: its address, the model's name on it, and where the API key is kept (an
 * environment variable or the OS keyring, never typed in here and never saved). OK stays disabled
 * until the answers make a {@link Connection}; the reason shows under the fields.
 */
final class ConnectionDialog {

    static final String NO_KEY = "no key";
    static final String ENV = "environment variable";
    static final String KEYRING = "OS keyring account";

    final Dialog<Connection> dialog = new Dialog<>();
    final TextField address = new TextField("http://localhost:8000/v1");
    final TextField model = new TextField();
    final ChoiceBox<String> keyKind = new ChoiceBox<>(FXCollections.observableArrayList(NO_KEY, ENV, KEYRING));
    final TextField keyName = new TextField();
    final Label problem = new Label();

    ConnectionDialog(Window owner) {
        dialog.setTitle("Add a remote server");
        dialog.setHeaderText("An OpenAI-compatible server: vLLM, TGI, llama.cpp's server or a hosted API");
        if (owner != null) dialog.initOwner(owner);
        model.setPromptText("the model's id on the server (empty: its only model)");
        keyKind.setValue(NO_KEY);
        keyName.setPromptText("OPENAI_API_KEY, or the keyring account");
        keyName.disableProperty().bind(keyKind.valueProperty().isEqualTo(NO_KEY));
        problem.setStyle("-fx-text-fill: #b00020;");
        problem.setWrapText(true);
        problem.setMaxWidth(460);
        GridPane grid = new GridPane();
        grid.setHgap(8);
        grid.setVgap(8);
        grid.setPadding(new Insets(12));
        grid.addRow(0, new Label("Address"), address);
        grid.addRow(1, new Label("Model"), model);
        grid.addRow(2, new Label("API key from"), keyKind);
        grid.addRow(3, new Label(""), keyName);
        grid.add(problem, 0, 4, 2, 1);
        address.setPrefColumnCount(30);
        dialog.getDialogPane().setContent(grid);
        dialog.getDialogPane().getButtonTypes().addAll(ButtonType.OK, ButtonType.CANCEL);
        Runnable check = () -> {
            String reason = reason();
            problem.setText(reason == null ? "" : reason);
            dialog.getDialogPane().lookupButton(ButtonType.OK).setDisable(reason != null);
        };
        address.textProperty().addListener((o, a, b) -> check.run());
        model.textProperty().addListener((o, a, b) -> check.run());
        keyKind.valueProperty().addListener((o, a, b) -> check.run());
        keyName.textProperty().addListener((o, a, b) -> check.run());
        check.run();
        dialog.setResultConverter(button -> button == ButtonType.OK ? connection() : null);
    }

    static Optional<Connection> ask(Window owner) {
        return new ConnectionDialog(owner).dialog.showAndWait();
    }

    /** The connection the fields describe; throws with a sentence when they describe none. */
    Connection connection() {
        String spec = address.getText().strip() + (model.getText().isBlank() ? "" : "#" + model.getText().strip());
        KeySource key = switch (keyKind.getValue()) {
            case ENV -> KeySource.env(keyName.getText());
            case KEYRING -> KeySource.keyring(keyName.getText());
            default -> KeySource.NONE;
        };
        return new Connection(spec, key);
    }

    /** Why the fields make no connection, or null when they do. */
    String reason() {
        try {
            connection();
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
