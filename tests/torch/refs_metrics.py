"""scikit-learn references for thorax's evaluation metrics (train/metrics.h, train/evaluation.h, train/compare.h).

write(out_dir) draws deterministic inputs and writes them with sklearn's answers as JSON under out_dir/metrics/:
  binary.json      single binary problems: continuous scores, heavy ties (one decimal), integer sample weights
                   (what a bootstrap resample is), all scores tied, no positives; AUROC, AP, ROC and PR curves.
  multilabel.json  validation and test predictions of 5 classes with masked (null) labels, a class without
                   positive test images, a class without positive validation images, tied scores; thresholds
                   (Youden, F1) chosen on validation, then every metric on test at those thresholds, macro, micro,
                   Hamming loss, and the macro AUROC of the sex subgroups.
  multiclass.json  4 classes, some rows without a label: accuracy, confusion matrix, one-vs-rest AUROC, macro F1.
  runs/            run directories for `thorax compare`: A, B (same images, B's scores less noisy), C (other
                   images), D (other class names), E (B without config.json); compare.json: sklearn's per-class
                   AUROC of A and B on the test rows.
Masked labels are JSON null (JSON has no NaN). Scores are float32 values, so C++ reads exactly what sklearn used.
Undefined values (no positives...) are null here, as thorax reports them.
"""
import json
import os
import warnings

import numpy as np
from sklearn.metrics import (accuracy_score, average_precision_score, confusion_matrix, f1_score, hamming_loss,
                             precision_recall_curve, precision_score, recall_score, roc_auc_score, roc_curve)
from sklearn.metrics._ranking import _binary_clf_curve


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def lst(a):
    return [None if np.isnan(v) else float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def defined(y):
    return 0 < int(np.sum(y)) < len(y)


def binary_case(name, score, label, weight=None):
    score, label = f32(score), np.asarray(label, dtype=np.float64)
    case = {"name": name, "score": lst(score), "label": lst(label),
            "weight": None if weight is None else lst(weight)}
    w = None if weight is None else np.asarray(weight, dtype=np.float64)
    ok = defined(label if w is None else np.repeat(label, w.astype(int)))
    case["auroc"] = float(roc_auc_score(label, score, sample_weight=w)) if ok else None
    case["ap"] = float(average_precision_score(label, score, sample_weight=w)) if ok else None
    if ok and w is None:
        for drop in (False, True):
            fpr, tpr, thr = roc_curve(label, score, drop_intermediate=drop)
            case["roc_drop" if drop else "roc_full"] = {"fpr": lst(fpr), "tpr": lst(tpr), "thresholds": lst(thr)}
        p, r, t = precision_recall_curve(label, score)
        case["pr"] = {"precision": lst(p), "recall": lst(r), "thresholds": lst(t)}
    return case


def choose(score, label, rule):
    """thorax's threshold rule on sklearn's curve: the first maximum over decreasing thresholds."""
    if not defined(label):
        return 0.5, None
    if rule == "youden":
        fpr, tpr, thr = roc_curve(label, score, drop_intermediate=False)
        j = tpr - fpr
    else:
        fps, tps, thr = _binary_clf_curve(label, score)
        j = 2 * tps / (tps + fps + tps[-1])
    i = int(np.argmax(j))
    return float(thr[i]), float(j[i])


def at_threshold(y, pred):
    tp = int(np.sum((y == 1) & pred))
    fp = int(np.sum((y == 0) & pred))
    tn = int(np.sum((y == 0) & ~pred))
    fn = int(np.sum((y == 1) & ~pred))
    return {
        "tp": tp, "fp": fp, "tn": tn, "fn": fn,
        "precision": float(precision_score(y, pred, zero_division=0)) if tp + fp > 0 else None,
        "recall": float(recall_score(y, pred, zero_division=0)) if tp + fn > 0 else None,
        "f1": float(f1_score(y, pred, zero_division=0)) if tp + fp + fn > 0 else None,
        "specificity": float(tn / (tn + fp)) if tn + fp > 0 else None,
        "accuracy": float(accuracy_score(y, pred)),
    }


def mean_defined(values):
    v = [x for x in values if x is not None]
    return float(np.mean(v)) if v else None


def multilabel(rng):
    names = ["Atelectasis", "Cardiomegaly", "Edema", "Hernia", "Mass"]
    n_val, n_test, c = 120, 300, len(names)
    prevalence = np.array([0.3, 0.2, 0.15, 0.0, 0.4])

    def draw(n, val):
        y = (rng.random((n, c)) < prevalence).astype(np.float64)
        if val:
            y[:, 3] = rng.random(n) < 0.1  # Hernia has positives on validation only
            y[:, 2] = 0                    # Edema has none on validation
        s = 1 / (1 + np.exp(-(1.5 * y + rng.standard_normal((n, c)) - 1)))
        s[:, 1] = np.round(s[:, 1], 1)     # heavy ties
        s[:, 4] = np.round(s[:, 4], 2)
        s = f32(s)
        mask = rng.random((n, c)) < 0.1
        mask[:, 0] = False
        y[mask] = np.nan
        return s, y

    sv, yv = draw(n_val, True)
    st, yt = draw(n_test, False)
    sex = rng.choice(["M", "F", ""], size=n_test, p=[0.5, 0.45, 0.05])
    age = rng.integers(-1, 95, size=n_test)
    view = rng.choice(["PA", "AP"], size=n_test)
    patient = [f"p{i // 2}" for i in range(n_test)]  # pairs of images share a patient
    out = {"names": names,
           "val": {"prob": [lst(r) for r in sv], "target": [lst(r) for r in yv]},
           "test": {"prob": [lst(r) for r in st], "target": [lst(r) for r in yt], "sex": list(sex),
                    "age": [int(a) for a in age], "view": list(view), "patient": patient},
           "rules": {}}
    for rule in ("youden", "f1"):
        res = {"thresholds": [], "criterion": [], "per_class": []}
        flat_y, flat_pred = [], []
        for k in range(c):
            kv = ~np.isnan(yv[:, k])
            t, crit = choose(sv[kv, k], yv[kv, k], rule)
            res["thresholds"].append(t)
            res["criterion"].append(crit)
            kt = ~np.isnan(yt[:, k])
            y, s = yt[kt, k], st[kt, k]
            row = at_threshold(y, s >= t)
            row["auroc"] = float(roc_auc_score(y, s)) if defined(y) else None
            row["auprc"] = float(average_precision_score(y, s)) if defined(y) else None
            res["per_class"].append(row)
            flat_y.append(y)
            flat_pred.append(s >= t)
        fy, fp = np.concatenate(flat_y), np.concatenate(flat_pred)
        res["macro"] = {m: mean_defined([r[m] for r in res["per_class"]])
                        for m in ("auroc", "auprc", "f1", "precision", "recall", "specificity")}
        known = ~np.isnan(yt)
        res["micro"] = {"auroc": float(roc_auc_score(yt[known], st[known])),
                        "auprc": float(average_precision_score(yt[known], st[known])),
                        "precision": float(precision_score(fy, fp)), "recall": float(recall_score(fy, fp)),
                        "f1": float(f1_score(fy, fp))}
        res["hamming_loss"] = float(hamming_loss(fy, fp))
        out["rules"][rule] = res
    # Macro AUROC per sex group (the subgroup table), over the classes defined in that group.
    out["sex_macro_auroc"] = {}
    for g in ("F", "M"):
        rows = sex == g
        aucs = []
        for k in range(c):
            kt = rows & ~np.isnan(yt[:, k])
            aucs.append(float(roc_auc_score(yt[kt, k], st[kt, k])) if defined(yt[kt, k]) else None)
        out["sex_macro_auroc"][g] = {"value": mean_defined(aucs), "images": int(rows.sum())}
    return out


def multiclass(rng):
    names = ["Normal", "Pneumonia", "COVID-19", "Tuberculosis"]
    n, c = 250, len(names)
    truth = rng.integers(0, c, size=n)
    logits = rng.standard_normal((n, c)) + 1.2 * np.eye(c)[truth]
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    p = f32(p)
    unknown = rng.random(n) < 0.06
    target = np.eye(c)[truth].astype(np.float64)
    target[unknown] = np.nan
    y, s, pred = truth[~unknown], p[~unknown], np.argmax(p[~unknown], axis=1)
    per_class = []
    for k in range(c):
        row = at_threshold((y == k).astype(np.float64), pred == k)
        row["auroc"] = float(roc_auc_score(y == k, s[:, k]))
        row["auprc"] = float(average_precision_score(y == k, s[:, k]))
        per_class.append(row)
    return {"names": names, "prob": [lst(r) for r in p], "target": [lst(r) for r in target],
            "accuracy": float(accuracy_score(y, pred)),
            "confusion_matrix": confusion_matrix(y, pred, labels=list(range(c))).tolist(),
            "macro_auroc_ovr": float(roc_auc_score(y, s, multi_class="ovr",
                                                   average="macro")),
            "macro_f1": float(f1_score(y, pred, average="macro")),
            "micro_f1": float(f1_score(y, pred, average="micro")),
            "per_class": per_class}


def write_run(root, name, names, rows, config=True):
    d = os.path.join(root, name)
    os.makedirs(d)
    if config:
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump({"labels": {"kind": "multi-label", "names": names}, "model": "resnet18"}, f, indent=1)
    with open(os.path.join(d, "predictions.csv"), "w") as f:
        f.write(",".join(["image", "patient_id", "split"] + [f"p_{x}" for x in names] + [f"y_{x}" for x in names] +
                         ["sex", "age", "view"]) + "\n")
        for image, patient, split, probs, labels in rows:
            f.write(",".join([image, patient, split] + [repr(float(v)) for v in probs] +
                             ["" if np.isnan(v) else str(int(v)) for v in labels] + ["M", "50", "PA"]) + "\n")


def runs(rng, root):
    names = ["Effusion", "Nodule", "Pneumothorax"]
    n, c = 400, len(names)
    patient = [f"pat{i}" for i in np.sort(rng.integers(0, 160, size=n))]
    split = np.where(rng.random(n) < 0.25, "val", "test")
    y = (rng.random((n, c)) < 0.3).astype(np.float64)
    y[rng.random((n, c)) < 0.05] = np.nan
    signal = np.nan_to_num(y)
    sa = f32(1 / (1 + np.exp(-(signal + 1.0 * rng.standard_normal((n, c)) - 0.5))))
    sb = f32(1 / (1 + np.exp(-(2 * signal + 0.8 * rng.standard_normal((n, c)) - 1.0))))
    images = [f"img{i:04d}.png" for i in range(n)]

    def rows(s, keep=range(n)):
        return [(images[i], patient[i], split[i], s[i], y[i]) for i in keep]

    write_run(root, "A", names, rows(sa))
    write_run(root, "B", names, rows(sb))
    test = [i for i in range(n) if split[i] == "test"]
    # C: the test rows without five of A's images, plus three images A does not have.
    c_rows = rows(sa, test[5:]) + [(f"other{i}.png", "patx", "test", sa[i], y[i]) for i in range(3)]
    write_run(root, "C", names, c_rows)
    write_run(root, "D", ["Effusion", "Nodule", "Mass"], rows(sb))
    write_run(root, "E", names, rows(sb), config=False)
    t = np.array(test)
    expected = {"test_images": len(test), "names": names, "auroc_a": [], "auroc_b": []}
    for k in range(c):
        known = ~np.isnan(y[t, k])
        expected["auroc_a"].append(float(roc_auc_score(y[t[known], k], sa[t[known], k])))
        expected["auroc_b"].append(float(roc_auc_score(y[t[known], k], sb[t[known], k])))
    with open(os.path.join(root, "compare.json"), "w") as f:
        json.dump(expected, f, indent=1)


def write(out_dir):
    root = os.path.join(out_dir, "metrics")
    os.makedirs(root)
    rng = np.random.default_rng(606)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        n = 200
        label = (rng.random(n) < 0.3).astype(np.float64)
        score = 1 / (1 + np.exp(-(label + rng.standard_normal(n))))
        tied_label = (rng.random(300) < 0.4).astype(np.float64)
        tied = np.round(1 / (1 + np.exp(-(tied_label + rng.standard_normal(300)))), 1)
        cases = [
            binary_case("continuous", score, label),
            binary_case("ties", tied, tied_label),
            binary_case("ties_weighted", tied, tied_label, rng.integers(0, 4, size=300)),
            binary_case("small", [0.1, 0.4, 0.35, 0.8, 0.4, 0.7, 0.2], [0, 0, 1, 1, 1, 0, 0]),
            binary_case("all_tied", np.full(20, 0.5), (np.arange(20) % 3 == 0)),
            binary_case("no_positives", rng.random(30), np.zeros(30)),
            binary_case("no_negatives", rng.random(30), np.ones(30)),
        ]
        with open(os.path.join(root, "binary.json"), "w") as f:
            json.dump({"cases": cases}, f)
        with open(os.path.join(root, "multilabel.json"), "w") as f:
            json.dump(multilabel(rng), f)
        with open(os.path.join(root, "multiclass.json"), "w") as f:
            json.dump(multiclass(rng), f)
        os.makedirs(os.path.join(root, "runs"))
        runs(rng, os.path.join(root, "runs"))
