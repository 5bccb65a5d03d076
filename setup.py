"""Installs `latentsync` from the nbdev 2 `settings.ini` (the notebooks in `nbs/` are the source)."""
from configparser import ConfigParser
import setuptools, shlex

cfg = ConfigParser(delimiters=['='])
cfg.read('settings.ini', encoding='utf-8')
cfg = cfg['DEFAULT']

licenses = {'apache2': ('Apache Software License 2.0', 'OSI Approved :: Apache Software License')}
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive']
lic = licenses[cfg['license']]
min_python = cfg['min_python']
py_versions = ['3.10', '3.11', '3.12']

requirements = shlex.split(cfg.get('requirements', ''))
extras = {k: shlex.split(cfg.get(f'{k}_requirements', '')) for k in ('notebook', 'dask', 'c2pa', 'weights', 'onnx')}
dev_requirements = shlex.split(cfg.get('dev_requirements', '')) + [r for k in ('notebook', 'dask', 'c2pa', 'weights', 'onnx') for r in extras[k]]
console_scripts = cfg.get('console_scripts', '').split()

setuptools.setup(
    name=cfg['lib_name'],
    version=cfg['version'],
    description=cfg['description'],
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    url=cfg['git_url'],
    author=cfg['author'],
    author_email=cfg['author_email'],
    license=lic[0],
    keywords=cfg['keywords'],
    classifiers=[f'Development Status :: {statuses[int(cfg["status"])]}', f'Intended Audience :: {cfg["audience"]}',
                 f'License :: {lic[1]}', f'Natural Language :: {cfg["language"]}']
                + [f'Programming Language :: Python :: {v}' for v in py_versions[py_versions.index(min_python):]],
    packages=setuptools.find_packages(include=['latentsync', 'latentsync.*']),
    include_package_data=True,
    package_data={'latentsync': ['configs/*.yaml', 'models/*/*.json', 'models/*/*.md', 'models/*/*/*.json', 'models/*/*/*.safetensors']},
    install_requires=requirements,
    extras_require={'dev': dev_requirements, 'notebooks': extras['notebook'], 'dask': extras['dask'], 'c2pa': extras['c2pa'], 'weights': extras['weights'], 'onnx': extras['onnx'],
                    'tensorboard': ['tensorboard', 'protobuf<5'], 'app': ['gradio==6.31.0']},
    python_requires=f'>={min_python}',
    zip_safe=False,
    entry_points={'console_scripts': console_scripts, 'nbdev': [f'{cfg["lib_name"]}={cfg["lib_name"]}._modidx:d']},
)
