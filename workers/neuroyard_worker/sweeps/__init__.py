"""The sweep controller: Optuna studies kept in the project's database, trials started as train
jobs, each epoch reported to the searcher and pruned trials stopped."""
