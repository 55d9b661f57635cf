# Reference CB-SEM numbers from R's lavaan for tests/acsi/test_cbsem.py.
# Usage: Rscript make_reference.R <data.csv> <model.lavaan> <out.json> [weight column]
# The CSV is written by make_data.py (synthetic data, see README.md); the model file holds the
# lavaan syntax printed by acsi.spec.ModelSpec.to_lavaan(). lavaan defaults: ML, normal
# likelihood (S divided by N), marker-variable identification, auto.fix.single = TRUE (the item
# of a single-item construct has residual variance 0).
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1])
model <- paste(readLines(args[2]), collapse = "\n")
weight <- if (length(args) >= 4) args[4] else NULL
fit <- sem(model, data = data, estimator = "ML", sampling.weights = weight)
std <- standardizedSolution(fit, type = "std.all")
est <- parameterEstimates(fit)
measures <- fitMeasures(fit, c("chisq", "df", "pvalue", "baseline.chisq", "baseline.df", "cfi", "tli",
                              "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "srmr", "ntotal"))
paths <- std[std$op == "~", ]
loadings <- std[std$op == "=~", ]
latent <- lavInspect(fit, "cor.lv")
out <- list(
  lavaan_version = as.character(packageVersion("lavaan")),
  r_version = R.version.string,
  n = nrow(data),
  column_means = as.list(colMeans(data[, setdiff(names(data), weight), drop = FALSE])),
  fit = as.list(measures),
  standardized_paths = lapply(seq_len(nrow(paths)), function(i)
    list(from = paths$rhs[i], to = paths$lhs[i], std_all = paths$est.std[i])),
  standardized_loadings = setNames(as.list(loadings$est.std), loadings$rhs),
  unstandardized = lapply(seq_len(nrow(est)), function(i)
    list(lhs = est$lhs[i], op = est$op[i], rhs = est$rhs[i], est = est$est[i], se = est$se[i])),
  latent_correlation = lapply(seq_len(nrow(latent)), function(i) as.list(latent[i, ]))
)
names(out$latent_correlation) <- rownames(latent)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), args[3])
